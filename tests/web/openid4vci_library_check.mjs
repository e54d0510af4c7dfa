// A second, independent wallet: the OpenWallet Foundation's @openid4vc/openid4vci client
// (npm, pinned in web/package.json) takes a credential offer through the pre-authorised
// code flow with a did:key EdDSA key proof. Reads {offer, seedHex, did, configurationId}
// (and nodeModules, where web/node_modules is) as JSON on stdin; prints {credentials, nonce} or {error} as JSON.
import { createHash, randomBytes } from "node:crypto";
import { pathToFileURL } from "node:url";

const input = JSON.parse(await new Promise((done) => {
  let text = "";
  process.stdin.on("data", (chunk) => { text += chunk; });
  process.stdin.on("end", () => done(text));
}));
// the packages web/package.json pins, vendored by make vendor into web/node_modules
const vendored = (path) => import(pathToFileURL(`${input.nodeModules}/${path}`).href);
const { ed25519 } = await vendored("@noble/curves/ed25519.js");
const { Openid4vciClient, setGlobalConfig } = await vendored("@openid4vc/openid4vci/dist/index.mjs");
const { clientAuthenticationAnonymous } = await vendored("@openid4vc/oauth2/dist/index.mjs");

const b64url = (bytes) => Buffer.from(bytes).toString("base64url");
const seed = Uint8Array.from(Buffer.from(input.seedHex, "hex"));
const publicKey = ed25519.getPublicKey(seed);
const publicJwk = { kty: "OKP", crv: "Ed25519", x: b64url(publicKey) };

setGlobalConfig({ allowInsecureUrls: true }); // the node under test is on http://127.0.0.1

const client = new Openid4vciClient({
  callbacks: {
    fetch,
    hash: (data, alg) => createHash(alg.replace("-", "").toLowerCase()).update(data).digest(),
    generateRandom: (length) => randomBytes(length),
    clientAuthentication: clientAuthenticationAnonymous(),
    signJwt: async (signer, { header, payload }) => {
      const signingInput = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(payload))}`;
      const signature = ed25519.sign(new TextEncoder().encode(signingInput), seed);
      return { jwt: `${signingInput}.${b64url(signature)}`, signerJwk: publicJwk };
    },
  },
});

try {
  const offer = await client.resolveCredentialOffer(input.offer);
  const issuerMetadata = await client.resolveIssuerMetadata(offer.credential_issuer);
  const { accessTokenResponse } = await client.retrievePreAuthorizedCodeAccessTokenFromOffer({
    credentialOffer: offer,
    issuerMetadata,
  });
  const { c_nonce: nonce } = await client.requestNonce({ issuerMetadata });
  const { jwt } = await client.createCredentialRequestJwtProof({
    issuerMetadata,
    credentialConfigurationId: input.configurationId,
    nonce,
    signer: { method: "did", didUrl: `${input.did}#${input.did.slice("did:key:".length)}`, alg: "EdDSA" },
  });
  const response = await client.retrieveCredentials({
    issuerMetadata,
    accessToken: accessTokenResponse.access_token,
    credentialConfigurationId: input.configurationId,
    proofs: { jwt: [jwt] },
  });
  console.log(JSON.stringify({ credentials: response.credentialResponse.credentials, nonce }));
} catch (error) {
  console.log(JSON.stringify({ error: `${error.name}: ${error.message}`, detail: String(error.errorResponse ? JSON.stringify(error.errorResponse) : error.cause ?? "") }));
}
