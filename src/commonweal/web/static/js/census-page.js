// The census page: "Am I counted?" asks the node for this member's salt and inclusion proof
// with a request signed by their own key (POST /v1/census/proof, {did, at, sig, epoch}, sig
// over the RFC 8785 bytes of {"purpose": "commonweal/census-proof", "node", "did", "at",
// "epoch"}), then checks here that SHA-256(salt || did) is a leaf of the RFC 9162 tree whose
// root the page shows from the log (node/census.py, docs/census.md).

import { explain, postJson } from "./api.js";
import { encode as base58 } from "./base58.js";
import { concat, fromHex, sha256, toHex } from "./bytes.js";
import { nodeDid, rfc3339 } from "./events.js";
import { canonicalBytes } from "./jcs.js";
import { sign } from "./keyfile.js";
import { loadKey } from "./keystore.js";
import { leafHash, verifyInclusion } from "./merkle.js";
import { t } from "./messages.js";

const PURPOSE = "commonweal/census-proof";

function nodeClock(section) {
  const rendered = Date.parse(section.dataset.nodeNow || "");
  const offset = Number.isNaN(rendered) ? 0 : rendered - Date.now();
  return () => new Date(Date.now() + offset);
}

export async function checkCounted(section) {
  const key = await loadKey();
  if (!key || key.did !== section.dataset.me) {
    throw new Error(t("This browser does not hold the key you signed in with. Restore your key on the Key page."));
  }
  const epoch = Number(section.dataset.epoch);
  const at = rfc3339(nodeClock(section)());
  const bytes = canonicalBytes({ purpose: PURPOSE, node: nodeDid(), did: key.did, at, epoch });
  const sig = "z" + base58(await sign(key.privateKey, bytes));
  const proof = await postJson("/v1/census/proof", { did: key.did, at, sig, epoch });
  const commitment = await sha256(concat(fromHex(proof.salt), new TextEncoder().encode(key.did)));
  if (toHex(commitment) !== proof.commitment) return { ok: false, why: t("the commitment is not SHA-256(salt ‖ your DID)") };
  if (proof.tree_size !== Number(section.dataset.members)) return { ok: false, why: t("the tree is not the size of the count") };
  const root = fromHex(section.dataset.root.replace(/^sha256:/, ""));
  const ok = await verifyInclusion(proof.leaf_index, proof.tree_size, await leafHash(commitment), proof.proof.map(fromHex), root);
  return ok ? { ok, leaf: proof.leaf_index, size: proof.tree_size } : { ok, why: t("the proof does not lead to the census's root") };
}

for (const section of document.querySelectorAll("[data-census-proof]")) {
  const button = section.querySelector("[data-check-counted]");
  const result = section.querySelector("[data-proof-result]");
  if (!button || !result) continue;
  button.addEventListener("click", async () => {
    button.disabled = true;
    result.textContent = t("Checking…");
    try {
      const found = await checkCounted(section);
      result.textContent = found.ok
        ? t("Checked in your browser: you are counted (leaf %(leaf)s of %(size)s).", { leaf: found.leaf + 1, size: found.size })
        : t("Not proven: %(why)s.", { why: found.why });
      result.dataset.verdict = found.ok ? "counted" : "not-proven";
    } catch (error) {
      result.textContent = explain(error);
      result.dataset.verdict = "error";
    } finally {
      button.disabled = false;
    }
  });
}
