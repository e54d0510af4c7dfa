// C2SP signed notes and tlog-checkpoints: check the node's signature on a
// checkpoint with its published verifier key ("name+keyid+base64(0x01 || key)").

import { concat, equal, fromBase64, sha256 } from "./bytes.js";

export class NoteError extends Error {}

export async function parseVerifierKey(vkey) {
  // The name and the hex key ID hold no "+", but the base64 key may.
  const [name, id, ...rest] = vkey.split("+");
  const blob = rest.join("+");
  const raw = fromBase64(blob || "");
  if (!name || !id || raw.length !== 33 || raw[0] !== 0x01) throw new NoteError("not an Ed25519 verifier key");
  const publicKey = raw.slice(1);
  const keyId = (await sha256(concat(new TextEncoder().encode(name + "\n"), Uint8Array.of(1), publicKey))).slice(0, 4);
  return { name, keyId, publicKey };
}

// The checkpoint in `note` ({origin, size, root}) if `vkey` signed it; else NoteError.
export async function verifyCheckpoint(note, vkey) {
  const split = note.indexOf("\n\n");
  if (split < 0) throw new NoteError("a signed note has a blank line before its signatures");
  const text = note.slice(0, split + 1);
  const key = await parseVerifierKey(vkey);
  const signer = await crypto.subtle.importKey("raw", key.publicKey, { name: "Ed25519" }, false, ["verify"]);
  const message = new TextEncoder().encode(text);
  let signed = false;
  for (const line of note.slice(split + 2).split("\n")) {
    if (!line.startsWith("\u2014 ")) continue;
    const [name, encoded] = line.slice(2).split(" ");
    if (name !== key.name) continue;
    const blob = fromBase64(encoded || "");
    if (blob.length !== 68 || !equal(blob.slice(0, 4), key.keyId)) continue;
    if (await crypto.subtle.verify({ name: "Ed25519" }, signer, blob.slice(4), message)) signed = true;
  }
  if (!signed) throw new NoteError("the checkpoint is not signed by this node's key");
  const [origin, size, root] = text.split("\n");
  if (origin !== key.name) throw new NoteError("the checkpoint is for another log than this key's");
  if (!/^\d+$/.test(size || "")) throw new NoteError("the checkpoint's size is not a number");
  return { origin, size: Number(size), root: fromBase64(root) };
}
