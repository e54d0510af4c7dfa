// Signing in: answer the node's challenge with a presentation signed by the key in
// this browser (DID Authentication). The node then sets an HttpOnly session cookie.

import { postJson } from "./api.js";
import { loadKey } from "./keystore.js";
import { NoKey } from "./events.js";
import { presentation } from "./presentation.js";

export async function signIn() {
  const key = await loadKey();
  if (!key) throw new NoKey();
  const { challenge, domain } = await postJson("/session/challenge", {});
  const signed = await presentation(key, [], { challenge, domain });
  return postJson("/session", signed);
}

export function signOut() {
  return postJson("/session/end", {});
}

export function sessionDid() {
  const meta = document.querySelector('meta[name="commonweal-member"]');
  return meta && meta.content ? meta.content : null;
}
