// W3C Data Integrity eddsa-jcs-2022 proofs, made in the browser: a Verifiable
// Presentation signed by the holder's did:key, for signing in (no credentials,
// purpose "authentication") and for presenting credentials to a verifier.

import { encode } from "./base58.js";
import { concat, sha256 } from "./bytes.js";
import { verificationMethod } from "./didkey.js";
import { canonicalBytes } from "./jcs.js";
import { sign } from "./keyfile.js";
import { rfc3339 } from "./events.js";

export const CREDENTIALS_V2 = "https://www.w3.org/ns/credentials/v2";

// SHA-256(JCS(proof configuration)) || SHA-256(JCS(document without proof)).
export async function hashData(document, config) {
  const unsecured = { ...document };
  delete unsecured.proof;
  return concat(await sha256(canonicalBytes(config)), await sha256(canonicalBytes(unsecured)));
}

export async function addProof(document, key, options) {
  const config = {
    type: "DataIntegrityProof",
    cryptosuite: "eddsa-jcs-2022",
    created: options.created || rfc3339(new Date()),
    verificationMethod: options.verificationMethod || verificationMethod(key.did),
    proofPurpose: options.proofPurpose || "assertionMethod",
    ...(options.challenge !== undefined ? { challenge: options.challenge } : {}),
    ...(options.domain !== undefined ? { domain: options.domain } : {}),
  };
  if ("@context" in document) config["@context"] = document["@context"];
  const signature = await sign(key.privateKey, await hashData(document, config));
  return { ...document, proof: { ...config, proofValue: "z" + encode(signature) } };
}

export function presentation(key, credentials, { challenge, domain }) {
  const document = {
    "@context": [CREDENTIALS_V2],
    type: ["VerifiablePresentation"],
    holder: key.did,
  };
  if (credentials.length) document.verifiableCredential = credentials;
  return addProof(document, key, { proofPurpose: "authentication", challenge, domain });
}
