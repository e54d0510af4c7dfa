// RFC 9162 Merkle tree proofs, checked with WebCrypto's SHA-256: a leaf is
// H(0x00 || bytes), an interior node H(0x01 || left || right).

import { concat, equal, sha256 } from "./bytes.js";
import { canonicalBytes } from "./jcs.js";

export function leafHash(leaf) {
  return sha256(concat(Uint8Array.of(0), leaf));
}

function nodeHash(left, right) {
  return sha256(concat(Uint8Array.of(1), left, right));
}

// The leaf of a logged event: the RFC 8785 bytes of {"event", "received"}.
export function leafOf(event, received) {
  return canonicalBytes({ event, received });
}

// RFC 9162 section 2.1.3.2: does `proof` show the leaf hash at `index` in the tree of
// `size` leaves whose root is `root`? Leaf hash and root must be 32 bytes each.
export async function verifyInclusion(index, size, leaf, proof, root) {
  if (leaf.length !== 32 || root.length !== 32) return false;
  if (!(index >= 0 && index < size)) return false;
  let fn = index;
  let sn = size - 1;
  let r = leaf;
  for (const p of proof) {
    if (p.length !== 32 || sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      r = await nodeHash(p, r);
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn = Math.floor(fn / 2);
          sn = Math.floor(sn / 2);
        }
      }
    } else {
      r = await nodeHash(r, p);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 && equal(r, root);
}
