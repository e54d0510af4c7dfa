// Proving entries in the browser: the author's signature over the event, the leaf
// hash recomputed from the event, the RFC 9162 inclusion proof, and the node's
// signature on the checkpoint it leads to — all with WebCrypto, none taken on trust.

import { getJson } from "./api.js";
import { decode } from "./base58.js";
import { equal, fromBase64, toBase64 } from "./bytes.js";
import { publicKeyFromDid } from "./didkey.js";
import { canonicalBytes } from "./jcs.js";
import { leafHash, leafOf, verifyInclusion } from "./merkle.js";
import { t } from "./messages.js";
import { parseVerifierKey, verifyCheckpoint } from "./note.js";

const vkey = document.querySelector('meta[name="commonweal-vkey"]').content;
const nodeDid = document.querySelector('meta[name="commonweal-node"]').content;

// The checkpoint, checked against the verifier key — which, for a node named by a
// did:key, must be that very key (so the page's server cannot swap it unnoticed).
async function checkpoint() {
  if (nodeDid.startsWith("did:key:")) {
    const { publicKey } = await parseVerifierKey(vkey);
    if (!equal(publicKey, publicKeyFromDid(nodeDid))) throw new Error(t("the verifier key is not the node's own key"));
  }
  const response = await fetch("/log/checkpoint", { cache: "no-store" });
  if (!response.ok) throw new Error(t("the node has no signed checkpoint yet"));
  return verifyCheckpoint(await response.text(), vkey);
}

export async function verifyEventSignature(event) {
  const unsigned = { ...event };
  delete unsigned.sig;
  const key = await crypto.subtle.importKey("raw", publicKeyFromDid(event.author), { name: "Ed25519" }, false, ["verify"]);
  return crypto.subtle.verify({ name: "Ed25519" }, key, decode(event.sig.slice(1)), canonicalBytes(unsigned));
}

// Prove entry `index`: returns a sentence, or throws saying which check failed.
export async function proveEntry(index) {
  const signed = await checkpoint();
  if (index >= signed.size) return t("Not yet covered: the latest checkpoint holds %(size)s entries. Try again in a few seconds.", { size: signed.size });
  const logged = await getJson(`/v1/events/${index}`);
  if (!(await verifyEventSignature(logged.event))) throw new Error(t("the author's signature on this entry does not verify"));
  const leaf = await leafHash(leafOf(logged.event, logged.received));
  if (!equal(leaf, fromBase64(logged.leaf_hash))) throw new Error(t("the entry's content does not hash to its leaf"));
  const proof = await getJson(`/v1/proof/inclusion?index=${index}&size=${signed.size}`);
  const ok = await verifyInclusion(index, signed.size, leaf, proof.proof.map(fromBase64), signed.root);
  if (!ok) throw new Error(t("the inclusion proof does not lead to the signed checkpoint"));
  return t("Proven: signed by its author, and entry %(index)s of the log that the node signed at %(size)s entries.", { index, size: signed.size });
}

async function run(box, check) {
  const verdict = box.querySelector("[data-verdict]");
  verdict.textContent = t("Checking…");
  verdict.className = "verdict";
  try {
    verdict.textContent = await check();
    verdict.classList.add("good");
  } catch (error) {
    verdict.textContent = t("Failed: %(why)s.", { why: error.message });
    verdict.classList.add("bad");
  }
}

for (const box of document.querySelectorAll("[data-verify-entry]")) {
  box.querySelector("[data-verify-button]").addEventListener("click", () =>
    run(box, () => proveEntry(Number(box.dataset.verifyEntry))),
  );
}
for (const box of document.querySelectorAll("[data-verify-checkpoint]")) {
  box.querySelector("[data-verify-button]").addEventListener("click", () =>
    run(box, async () => {
      const signed = await checkpoint();
      return t("Genuine: signed by this node's key, over %(size)s entries (root %(root)s…).", { size: signed.size, root: toBase64(signed.root).slice(0, 12) });
    }),
  );
}
const all = document.querySelector("[data-verify-all]");
if (all) {
  all.addEventListener("click", () => {
    for (const box of document.querySelectorAll("tr[data-verify-entry]")) {
      run(box, () => proveEntry(Number(box.dataset.verifyEntry)));
    }
  });
}
