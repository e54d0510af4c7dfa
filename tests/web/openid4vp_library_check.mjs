// A second, independent wallet for OpenID4VP: the OpenWallet Foundation's
// @openid4vc/openid4vp client (npm, pinned in web/package.json). Reads JSON on stdin:
// {"step": "resolve", "request": <openid4vp:// URI>, "nodeModules"} prints the resolved
// request; {"step": "submit", "request": <resolved payload>, "vpToken", "nodeModules"}
// creates and posts the direct_post response and prints the verifier's status and body.
import { createHash, randomBytes } from "node:crypto";
import { pathToFileURL } from "node:url";

const input = JSON.parse(await new Promise((done) => {
  let text = "";
  process.stdin.on("data", (chunk) => { text += chunk; });
  process.stdin.on("end", () => done(text));
}));
const vendored = (path) => import(pathToFileURL(`${input.nodeModules}/${path}`).href);
const { Openid4vpClient } = await vendored("@openid4vc/openid4vp/dist/index.mjs");
const { setGlobalConfig } = await vendored("@openid4vc/utils/dist/index.mjs");

setGlobalConfig({ allowInsecureUrls: true }); // the node under test is on http://127.0.0.1

const client = new Openid4vpClient({
  callbacks: {
    fetch,
    hash: (data, alg) => createHash(alg.replace("-", "").toLowerCase()).update(data).digest(),
    generateRandom: (length) => randomBytes(length),
    verifyJwt: async () => { throw new Error("requests by value are not signed"); },
    signJwt: async () => { throw new Error("not used"); },
    decryptJwe: async () => { throw new Error("not used"); },
    encryptJwe: async () => { throw new Error("not used"); },
  },
});

try {
  if (input.step === "resolve") {
    const parsed = client.parseOpenid4vpAuthorizationRequest({ authorizationRequest: input.request });
    const resolved = await client.resolveOpenId4vpAuthorizationRequest({
      authorizationRequestPayload: parsed.params,
    });
    console.log(JSON.stringify({
      request: resolved.authorizationRequestPayload,
      client: resolved.client,
      dcql: resolved.dcql?.query ?? null,
    }));
  } else {
    const created = await client.createOpenid4vpAuthorizationResponse({
      authorizationRequestPayload: input.request,
      authorizationResponsePayload: { vp_token: input.vpToken },
    });
    const { response } = await client.submitOpenid4vpAuthorizationResponse({
      authorizationRequestPayload: input.request,
      authorizationResponsePayload: created.authorizationResponsePayload,
    });
    console.log(JSON.stringify({ status: response.status, body: await response.text() }));
  }
} catch (error) {
  console.log(JSON.stringify({ error: `${error.name}: ${error.message}` }));
}
