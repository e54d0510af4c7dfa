// RFC 9474 blind RSA, variant RSABSSA-SHA384-PSS-Randomized, in the browser: the
// voter's half of an eligibility token for a secret ballot (docs/secret-ballots.md).
// Each function follows the RFC's section of the same name (4.1 Prepare, 4.2 Blind,
// 4.4 Finalize, 4.5 Verify), with EMSA-PSS-ENCODE from RFC 8017 §9.1.1 and MGF1 from
// its appendix B.2.1; SHA-384 is WebCrypto's, the arithmetic BigInt. The same steps
// as core/ballots/blind_rsa.py. `random(n)` (n random bytes) is injectable so that the
// tests can replay the RFC's vectors.

import { concat, toBase64Url } from "./bytes.js";

export const HASH_LEN = 48;
export const PREFIX_LEN = 32;

export function randomBytes(n) {
  return crypto.getRandomValues(new Uint8Array(n));
}

export function os2ip(bytes) {
  let value = 0n;
  for (const b of bytes) value = (value << 8n) | BigInt(b);
  return value;
}

export function i2osp(value, length) {
  const out = new Uint8Array(length);
  for (let i = length - 1; i >= 0; i--) {
    out[i] = Number(value & 0xffn);
    value >>= 8n;
  }
  if (value !== 0n) throw new Error("integer too large");
  return out;
}

export function bitLength(value) {
  return value === 0n ? 0 : value.toString(2).length;
}

export function modPow(base, exponent, modulus) {
  let result = 1n;
  base %= modulus;
  while (exponent > 0n) {
    if (exponent & 1n) result = (result * base) % modulus;
    base = (base * base) % modulus;
    exponent >>= 1n;
  }
  return result;
}

function gcd(a, b) {
  while (b) [a, b] = [b, a % b];
  return a;
}

export function modInverse(a, modulus) {
  let [oldR, r] = [a % modulus, modulus];
  let [oldS, s] = [1n, 0n];
  while (r) {
    const q = oldR / r;
    [oldR, r] = [r, oldR - q * r];
    [oldS, s] = [s, oldS - q * s];
  }
  if (oldR !== 1n) throw new Error("not invertible");
  return ((oldS % modulus) + modulus) % modulus;
}

async function sha384(bytes) {
  return new Uint8Array(await crypto.subtle.digest("SHA-384", bytes));
}

// A public key {n, e} (BigInt) and its length in bytes.
export function publicKey(n, e) {
  return { n, e, k: Math.ceil(bitLength(n) / 8) };
}

// 4.1: msg_prefix || msg, the prefix 32 random bytes (the randomized variant).
export function prepare(msg, random = randomBytes) {
  return concat(random(PREFIX_LEN), msg);
}

// RFC 8017 B.2.1 with SHA-384.
export async function mgf1(seed, length) {
  const blocks = [];
  for (let counter = 0, got = 0; got < length; counter++, got += HASH_LEN) {
    blocks.push(await sha384(concat(seed, i2osp(BigInt(counter), 4))));
  }
  return concat(...blocks).slice(0, length);
}

// RFC 8017 9.1.1 with SHA-384 and MGF1-SHA-384.
export async function emsaPssEncode(msg, emBits, salt) {
  const emLen = Math.ceil(emBits / 8);
  const mHash = await sha384(msg);
  if (emLen < HASH_LEN + salt.length + 2) throw new Error("encoding error");
  const h = await sha384(concat(new Uint8Array(8), mHash, salt));
  const db = concat(new Uint8Array(emLen - salt.length - HASH_LEN - 2), Uint8Array.of(1), salt);
  const mask = await mgf1(h, emLen - HASH_LEN - 1);
  const masked = db.map((b, i) => b ^ mask[i]);
  masked[0] &= 0xff >> (8 * emLen - emBits);
  return concat(masked, h, Uint8Array.of(0xbc));
}

// 4.2: encode the prepared message, then blind it: {blindedMsg, inv}. `r` may be given
// (the RFC's vectors fix it), else it is drawn from `random`.
export async function blind(pk, msg, { random = randomBytes, r = null } = {}) {
  const encoded = await emsaPssEncode(msg, bitLength(pk.n) - 1, random(HASH_LEN));
  const m = os2ip(encoded);
  if (gcd(m, pk.n) !== 1n) throw new Error("invalid input");
  while (r === null) {
    const candidate = os2ip(random(pk.k)) % pk.n;
    if (candidate > 1n && gcd(candidate, pk.n) === 1n) r = candidate;
  }
  const inv = modInverse(r, pk.n);
  const x = modPow(r, pk.e, pk.n);
  return { blindedMsg: i2osp((m * x) % pk.n, pk.k), inv: i2osp(inv, pk.k) };
}

// 4.5: RSASSA-PSS-VERIFY with SHA-384, MGF1-SHA-384, salt 48 bytes (WebCrypto's RSA-PSS).
export async function verify(pk, msg, sig) {
  if (sig.length !== pk.k) return false;
  const eBytes = i2osp(pk.e, Math.ceil(bitLength(pk.e) / 8));
  const key = await crypto.subtle.importKey(
    "jwk", { kty: "RSA", n: toBase64Url(i2osp(pk.n, pk.k)), e: toBase64Url(eBytes), alg: "PS384", ext: true },
    { name: "RSA-PSS", hash: "SHA-384" }, false, ["verify"],
  );
  return crypto.subtle.verify({ name: "RSA-PSS", saltLength: HASH_LEN }, key, sig, msg);
}

// 4.4: unblind, then verify; refuses a signature that does not verify.
export async function finalize(pk, msg, blindSig, inv) {
  if (blindSig.length !== pk.k) throw new Error("unexpected input size");
  const sig = i2osp((os2ip(blindSig) * os2ip(inv)) % pk.n, pk.k);
  if (!(await verify(pk, msg, sig))) throw new Error("the node's token signature does not verify");
  return sig;
}
