// Building, signing and submitting events, exactly as the node checks them:
// Ed25519 over the RFC 8785 bytes of the event without `sig`; `sig` = "z" + base58btc.

import { Problem, request } from "./api.js";
import { encode } from "./base58.js";
import { canonicalBytes } from "./jcs.js";
import { sign } from "./keyfile.js";
import { loadKey } from "./keystore.js";
import { t } from "./messages.js";
import { stamp, workBits } from "./work.js";

export class NoKey extends Error {
  constructor() {
    super(t("This browser holds no key yet. Create or restore your key on the Key page first."));
  }
}

// RFC 3339 in UTC, to the second: 2026-11-23T12:00:00Z.
export function rfc3339(date) {
  return date.toISOString().replace(/\.\d{3}Z$/, "Z");
}

export async function signEvent(key, { type, node, seq, at, body }) {
  const unsigned = { type, node, author: key.did, seq, at, body };
  const signature = await sign(key.privateKey, canonicalBytes(unsigned));
  return { ...unsigned, sig: "z" + encode(signature) };
}

export function nodeDid() {
  const meta = document.querySelector('meta[name="commonweal-node"]');
  if (!meta) throw new Error("this page does not name its node");
  return meta.content;
}

// The next seq of `did` in this node's log, and the node's idea of the time.
async function nextSeq(did) {
  const { document, response } = await request("GET", `/v1/authors/${encodeURIComponent(did)}`);
  const server = Date.parse(response.headers.get("Date") || "");
  return { seq: document.last_seq + 1, serverTime: Number.isNaN(server) ? null : server };
}

// When this device's clock runs ahead of the node's by minutes, sign with the node's time.
function signingTime(serverTime) {
  const now = Date.now();
  const skewed = serverTime !== null && now - serverTime > 5 * 60 * 1000;
  return rfc3339(new Date(skewed ? serverTime : now));
}

// Sign `body` as an event of `type` with the key in this browser and submit it to
// `path` (the wire API). `wrap` puts the event into a larger request (an application).
// A seq taken meanwhile by another tab is retried once with the next one. When the
// node's write policy asks proof of work for `type`, it is computed first (work.js).
export async function act(type, body, { path = "/v1/events", wrap = (event) => event } = {}) {
  const key = await loadKey();
  if (!key) throw new NoKey();
  const bits = await workBits(type);
  for (let attempt = 0; ; attempt++) {
    const { seq, serverTime } = await nextSeq(key.did);
    const fields = { type, node: nodeDid(), seq, at: signingTime(serverTime), body };
    if (bits > 0) fields.body = await stamp({ ...fields, author: key.did }, bits);
    const event = await signEvent(key, fields);
    try {
      const { document } = await request("POST", path, wrap(event));
      return { receipt: document, event };
    } catch (error) {
      const retry = error instanceof Problem && ["seq_out_of_order", "seq_replayed"].includes(error.code);
      if (!retry || attempt > 0) throw error;
    }
  }
}
