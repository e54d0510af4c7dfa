// did:key for Ed25519: "did:key:z" + base58btc(0xed 0x01 || public key).

import { decode, encode } from "./base58.js";

const PREFIX = "did:key:";
const ED25519 = [0xed, 0x01];

export function multikey(publicKey) {
  if (publicKey.length !== 32) throw new Error("an Ed25519 public key is 32 bytes");
  return "z" + encode(Uint8Array.from([...ED25519, ...publicKey]));
}

export function didFromPublicKey(publicKey) {
  return PREFIX + multikey(publicKey);
}

export function publicKeyFromDid(did) {
  if (!did.startsWith(PREFIX + "z")) throw new Error("not a did:key");
  const raw = decode(did.slice(PREFIX.length + 1));
  if (raw[0] !== ED25519[0] || raw[1] !== ED25519[1] || raw.length !== 34) {
    throw new Error("not an Ed25519 did:key");
  }
  return raw.slice(2);
}

export function verificationMethod(did) {
  return `${did}#${did.slice(PREFIX.length)}`;
}
