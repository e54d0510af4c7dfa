// Salted commitments, as core/commitment.py makes them: "sha256:" + hex of the RFC 8785
// bytes of {"profile": …, "salt": …}. An application's profile and an aid message stay
// off the public log; the signed event carries only this fingerprint.

import { sha256, toBase64, toHex } from "./bytes.js";
import { canonicalBytes } from "./jcs.js";

export function newSalt() {
  return toBase64(crypto.getRandomValues(new Uint8Array(32))).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

export async function commitment(profile, salt) {
  return "sha256:" + toHex(await sha256(canonicalBytes({ profile, salt })));
}
