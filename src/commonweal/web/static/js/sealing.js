// Sealing a secret ballot in the browser: exponential ElGamal over ristretto255 with a
// disjunctive Chaum–Pedersen proof per field that it lies in 0…high — the same group,
// encodings and Fiat–Shamir inputs as core/ballots/elgamal.py and
// client/secret_ballot.py, byte for byte, so that the node checks these proofs as its
// own. The group is @noble/curves' ristretto255 (vendored at build time, never from a
// CDN), the challenge hash @noble/hashes' SHA-512. Points travel as their 32-byte
// encodings (the identity as 32 zero bytes), scalars as 32 bytes little-endian.
// `random(n)` is injectable for the tests.

import { ristretto255 } from "../vendor/noble/curves/ed25519.js";
import { sha512 } from "../vendor/noble/hashes/sha2.js";
import { concat, fromBase64, toBase64Url } from "./bytes.js";
import { randomBytes } from "./blinding.js";
import { t } from "./messages.js";

const Point = ristretto255.Point;
export const ORDER = 2n ** 252n + 27742317777372353535851937790883648493n;
export const RANGE_TAG = new TextEncoder().encode("commonweal/secret-ballot/v1/range");
export const MAX_HIGH = 200;
const TEXT = new TextEncoder();

// -- the group ----------------------------------------------------------------------

export function decodePoint(bytes) {
  return Point.fromBytes(bytes); // throws on a non-canonical encoding
}

function mul(scalar, point) {
  const s = ((scalar % ORDER) + ORDER) % ORDER;
  return s === 0n ? Point.ZERO : point.multiply(s);
}

function baseMul(scalar) {
  return mul(scalar, Point.BASE);
}

export function randomScalar(random = randomBytes) {
  for (;;) {
    const s = leToInt(random(64)) % ORDER;
    if (s !== 0n) return s;
  }
}

function leToInt(bytes) {
  let value = 0n;
  for (let i = bytes.length - 1; i >= 0; i--) value = (value << 8n) | BigInt(bytes[i]);
  return value;
}

export function scalarBytes(scalar) {
  const out = new Uint8Array(32);
  let s = ((scalar % ORDER) + ORDER) % ORDER;
  for (let i = 0; i < 32; i++) {
    out[i] = Number(s & 0xffn);
    s >>= 8n;
  }
  return out;
}

// SHA-512 over length-prefixed parts (8 bytes big-endian each), little-endian mod ℓ.
export function hashToScalar(...parts) {
  const pieces = [];
  for (const part of parts) {
    const length = new Uint8Array(8);
    new DataView(length.buffer).setBigUint64(0, BigInt(part.length));
    pieces.push(length, part);
  }
  return leToInt(sha512(concat(...pieces))) % ORDER;
}

// -- ElGamal and the range proof ----------------------------------------------------

// The Fiat–Shamir context: node DID, proposal, and what the proof is about, joined by NUL.
export function context(nodeDid, proposal, ...parts) {
  return TEXT.encode([nodeDid, proposal, ...parts].map(String).join("\u0000"));
}

// A = r·G, B = m·G + r·K, as points.
export function encrypt(key, value, nonce) {
  return { a: baseMul(nonce), b: baseMul(BigInt(value)).add(mul(nonce, key)) };
}

// The commitments a branch's (c, z) imply: z·G − c·A and z·K − c·(B − j·G).
function simulated(key, ct, jPoint, c, z) {
  return [baseMul(z).subtract(mul(c, ct.a)), mul(z, key).subtract(mul(c, ct.b.subtract(jPoint)))];
}

function rangeChallenge(key, ct, high, where, commitments) {
  const highBytes = new Uint8Array(4);
  new DataView(highBytes.buffer).setUint32(0, high);
  return hashToScalar(
    RANGE_TAG, where, key.toBytes(), ct.a.toBytes(), ct.b.toBytes(), highBytes,
    ...commitments.map((p) => p.toBytes()),
  );
}

// A proof that `ct` encrypts one of 0…high (it encrypts `value` with `nonce`): a list of
// high+1 [challenge, response] pairs of scalars.
export function proveRange(key, ct, value, nonce, high, where, random = randomBytes) {
  if (!(value >= 0 && value <= high && high <= MAX_HIGH)) throw new Error("the value is outside the range");
  const proofs = new Array(high + 1).fill(null);
  const commitments = [];
  const w = randomScalar(random);
  for (let j = 0; j <= high; j++) {
    if (j === value) {
      commitments.push(baseMul(w), mul(w, key));
      continue;
    }
    const c = randomScalar(random);
    const z = randomScalar(random);
    proofs[j] = [c, z];
    commitments.push(...simulated(key, ct, baseMul(BigInt(j)), c, z));
  }
  const challenge = rangeChallenge(key, ct, high, where, commitments);
  const others = proofs.reduce((sum, p) => (p ? sum + p[0] : sum), 0n);
  const cReal = (((challenge - others) % ORDER) + ORDER) % ORDER;
  proofs[value] = [cReal, (w + cReal * nonce) % ORDER];
  return proofs;
}

// Whether `proofs` shows that `ct` encrypts one of 0…high: the node's own check, which
// the page does not need to cast; the tests run it over proofs Python made.
export function checkRange(key, ct, proofs, high, where) {
  if (proofs.length !== high + 1) return false;
  const commitments = [];
  proofs.forEach(([c, z], j) => commitments.push(...simulated(key, ct, baseMul(BigInt(j)), c, z)));
  const total = proofs.reduce((sum, [c]) => sum + c, 0n) % ORDER;
  return total === rangeChallenge(key, ct, high, where, commitments);
}

// -- a ballot as fields (domain/governance/secret_fields.py) --------------------------

const CHOICES = ["yes", "no", "abstain"];
const POSITIONS = ["consent", "stand_aside", "object"];
const RANKED = new Set(["instant_runoff", "stv", "schulze", "ranked_pairs"]);

// The small integers a ballot is sealed as, one per field, in the view's option order.
export function encodeBallot(method, opts, options, ballot) {
  const isqrt = (n) => Math.floor(Math.sqrt(n));
  switch (method) {
    case "yes_no":
      return [CHOICES.indexOf(ballot.choice)];
    case "consent":
      return [POSITIONS.indexOf(ballot.position)];
    case "plurality":
      return [options.indexOf(ballot.choice)];
    case "approval":
      return options.map((o) => Number(ballot.approve.includes(o)));
    case "score":
    case "star":
      return options.map((o) => ballot.scores[o] || 0);
    case "quadratic":
      return options.map((o) => (ballot.votes[o] || 0) + isqrt(Number(opts.credits)));
    default: {
      if (!RANKED.has(method)) throw new Error(`the ${method} method has no secret ballot`);
      const ranks = {};
      ballot.ranking.forEach((element, i) => {
        for (const option of Array.isArray(element) ? element : [element]) ranks[option] = i + 1;
      });
      return options.map((o) => ranks[o] || 0);
    }
  }
}

// -- the sealed ballot's body ---------------------------------------------------------

export function proofText([c, z]) {
  return [toBase64Url(scalarBytes(c)), toBase64Url(scalarBytes(z))];
}

// The ballot's fields, each checked against its range (else an Error saying so).
export function fieldsOf(view, ballot) {
  const values = encodeBallot(view.method, view.method_options, view.options, ballot);
  if (values.length !== view.ranges.length) throw new Error(t("This ballot does not fit the vote."));
  values.forEach((value, n) => {
    if (!(Number.isInteger(value) && value >= 0 && value <= view.ranges[n])) {
      throw new Error(t("This ballot is outside what the vote allows."));
    }
  });
  return values;
}

// The body of governance.ballot.sealed: every field encrypted to the view's joint key,
// proven in range, bound to the token's nullifier (hex SHA-256 of its message) and the
// field's position. `view` is GET /v1/proposals/{id}/secret.
export function seal(view, ballot, token, nullifier, random = randomBytes) {
  const values = fieldsOf(view, ballot);
  const key = decodePoint(fromBase64(view.joint_key));
  const fields = values.map((value, n) => {
    const high = view.ranges[n];
    const nonce = randomScalar(random);
    const ct = encrypt(key, value, nonce);
    const proofs = proveRange(key, ct, value, nonce, high, context(view.node, view.proposal, nullifier, n), random);
    return { a: toBase64Url(ct.a.toBytes()), b: toBase64Url(ct.b.toBytes()), proof: proofs.map(proofText) };
  });
  return { proposal: view.proposal, token: { ...token }, fields };
}
