// Proof of work, as core/work.py checks it: an anonymous event of a type whose write
// policy asks for N bits carries a nonce in body.pow such that SHA-256 over the RFC 8785
// bytes the signature covers (the event without `sig`) starts with N zero bits.

import { request } from "./api.js";
import { sha256 } from "./bytes.js";
import { canonicalBytes } from "./jcs.js";

const OPEN_TYPES = ["membership.application.submitted", "notary.document.attested"];

export function leadingZeroBits(digest) {
  let bits = 0;
  for (const byte of digest) {
    if (byte === 0) {
      bits += 8;
      continue;
    }
    return bits + Math.clz32(byte) - 24;
  }
  return bits;
}

// The bits of work the node's constitution asks for `type` (0 when none, or unknown).
export async function workBits(type) {
  if (!OPEN_TYPES.includes(type)) return 0;
  try {
    const { document } = await request("GET", "/v1/constitution");
    const rules = ((document.constitution.writes || {}).types || {})[type] || {};
    return rules.work_bits || 0;
  } catch {
    return 0;
  }
}

// `unsigned.body` with a nonce giving `bits` bits of work; sign the event afterwards.
export async function stamp(unsigned, bits) {
  for (let counter = 0; ; counter++) {
    const body = { ...unsigned.body, pow: counter.toString(16).padStart(16, "0") };
    const digest = await sha256(canonicalBytes({ ...unsigned, body }));
    if (leadingZeroBits(digest) >= bits) return body;
  }
}
