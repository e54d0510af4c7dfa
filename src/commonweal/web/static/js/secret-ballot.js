// A voter's side of a secret ballot in the browser, as client/secret_ballot.py does it
// for the command line: blind a token, unblind it, seal a ballot, sign it with a
// one-time key, keep a receipt, check it. No DOM here (secret-vote.js is the page);
// the member's own key signs only the token request, through events.js.

import * as rsa from "./blinding.js";
import { concat, fromBase64, sha256, toBase64Url, toHex } from "./bytes.js";
import { signEvent } from "./events.js";
import { canonicalBytes } from "./jcs.js";
import { keyFromSeed, newSeed } from "./keyfile.js";
import { seal } from "./sealing.js";

export const SEALED = "governance.ballot.sealed";
export const TOKEN_REQUESTED = "governance.ballot.token.requested";
const MESSAGE_TAG = "commonweal/secret-ballot/v1/token";
const NONCE_LEN = 32;
const TEXT = new TextEncoder();

// A big-endian integer of the wire (no leading zeros), as BigInt.
function integer(text) {
  return rsa.os2ip(fromBase64(text));
}

export function tokenKey(view) {
  return rsa.publicKey(integer(view.token_key.n), integer(view.token_key.e));
}

// What every token message of this vote starts with: tag NUL node NUL proposal NUL.
export function tokenPrefix(nodeDid, proposal) {
  return TEXT.encode([MESSAGE_TAG, nodeDid, String(proposal), ""].join("\u0000"));
}

// The nullifier of a token: SHA-256 of its message, in hex.
export async function nullifierOf(message) {
  return toHex(await sha256(message));
}

// A fresh token message for this vote, prepared and blinded: {pending, body}. `pending`
// is what to keep until the node's blind signature comes back; `body` is the request's.
export async function startToken(view, random = rsa.randomBytes) {
  const message = concat(tokenPrefix(view.node, view.proposal), random(NONCE_LEN));
  const prepared = rsa.prepare(message, random);
  const blinded = await rsa.blind(tokenKey(view), prepared, { random });
  const pending = {
    proposal: view.proposal,
    message: toBase64Url(message),
    prefix: toBase64Url(prepared.slice(0, rsa.PREFIX_LEN)),
    inv: toBase64Url(blinded.inv),
    blinded: toBase64Url(blinded.blindedMsg),
  };
  return { pending, body: { proposal: view.proposal, blinded: pending.blinded } };
}

// The unblinded token (RFC 9474 Finalize, which also verifies it), as a sealed ballot
// carries it: {prefix, message, signature}.
export async function finishToken(view, pending, blindSignature) {
  const input = concat(fromBase64(pending.prefix), fromBase64(pending.message));
  const signature = await rsa.finalize(tokenKey(view), input, fromBase64(blindSignature), fromBase64(pending.inv));
  return { prefix: pending.prefix, message: pending.message, signature: toBase64Url(signature) };
}

// The sealed ballot's body: every field encrypted to the tellers' joint key, in range.
export async function sealBallot(view, ballot, token, random = rsa.randomBytes) {
  return seal(view, ballot, token, await nullifierOf(fromBase64(token.message)), random);
}

// The sealed ballot as an event signed by a fresh one-time key made here and dropped
// after: never the member's key, so the log cannot tell whose ballot it is.
export async function sealedEvent(view, body, at) {
  const seed = newSeed();
  const oneTime = await keyFromSeed(seed);
  seed.fill(0);
  return signEvent(oneTime, { type: SEALED, node: view.node, seq: 1, at, body });
}

// What the voter keeps once the node logged the ballot at `index`.
export async function receiptOf(proposal, index, event, ballot) {
  return {
    proposal,
    ballot: index,
    nullifier: await nullifierOf(fromBase64(event.body.token.message)),
    ballot_hash: toHex(await sha256(canonicalBytes(event))),
    choice: ballot,
  };
}

// `commonweal vote --check`: the ballot at the receipt's entry, compared with the receipt.
export function checkReceipt(receipt, found) {
  return {
    ballot: receipt.ballot,
    in_log: found.nullifier === receipt.nullifier,
    counted: found.counted,
    decrypted_as: found.decrypted,
    you_cast: receipt.choice,
    spoiled: found.spoiled,
  };
}

// -- what this browser keeps (localStorage), per node and proposal ---------------------

function slot(nodeDid, proposal) {
  return `commonweal.secret-ballot.${nodeDid}.${proposal}`;
}

export function kept(nodeDid, proposal) {
  try {
    return JSON.parse(localStorage.getItem(slot(nodeDid, proposal)) || "{}");
  } catch {
    return {};
  }
}

export function keep(nodeDid, proposal, changes) {
  const value = { ...kept(nodeDid, proposal), ...changes };
  localStorage.setItem(slot(nodeDid, proposal), JSON.stringify(value));
  return value;
}
