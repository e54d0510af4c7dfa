// Talking to the node: JSON in and out, and RFC 9457 problem documents as errors
// whose message is the node's own plain-language `detail`.

import { t } from "./messages.js";

export class Problem extends Error {
  constructor(status, document) {
    super(document.detail || document.title || t("The node answered %(status)s.", { status }));
    this.status = status;
    this.code = document.code || "";
    this.document = document;
  }
}

// `anonymous`: without the session cookie (a secret ballot, and its receipt check, must
// not arrive tied to the member's session).
export async function request(method, path, body, { anonymous = false } = {}) {
  const credentials = anonymous ? "omit" : "same-origin";
  const options = { method, headers: { Accept: "application/json" }, credentials };
  if (body !== undefined) {
    options.headers["Content-Type"] = "application/json";
    options.body = typeof body === "string" ? body : JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(path, options);
  } catch {
    throw new Problem(0, { detail: t("The node could not be reached. Check your connection and try again."), code: "offline" });
  }
  const text = await response.text();
  let document = null;
  try {
    document = text ? JSON.parse(text) : null;
  } catch {
    document = null;
  }
  if (!response.ok) {
    throw new Problem(response.status, document && typeof document === "object" ? document : { detail: text });
  }
  return { document, response };
}

export async function getJson(path, options = {}) {
  return (await request("GET", path, undefined, options)).document;
}

export async function postJson(path, body) {
  return (await request("POST", path, body)).document;
}

// Advice beside the node's own words, for the refusals a person can do something about.
// A page's own module adds the codes of its capability: Object.assign(ADVICE, {...}).
export const ADVICE = {
  not_a_member: t("Only members can do this. If you have not joined yet, apply on the Join page."),
  suspended: t("Your membership is suspended, so you cannot act until a steward reinstates you."),
  forbidden: t("Your roles do not allow this."),
  at_in_future: t("Your device's clock seems to be ahead; set it to the right time and try again."),
  bad_signature: t("The signature did not match: the event was changed after it was signed."),
  wrong_node: t("This event was signed for another node."),
  voting_closed: t("Voting on this proposal has ended."),
  offline: "",
};

// "sig is not valid" → "Sig is not valid.": the node's details read as sentences.
export function sentence(text) {
  const trimmed = String(text || "").trim();
  if (!trimmed) return trimmed;
  const capital = trimmed[0].toUpperCase() + trimmed.slice(1);
  return /[.!?]$/.test(capital) ? capital : capital + ".";
}

export function explain(error) {
  if (error instanceof Problem) {
    // a problem in the reader's language (its "lang") already says it in their words
    const advice = error.document && error.document.lang ? "" : ADVICE[error.code];
    return advice ? `${sentence(error.message)} ${advice}` : sentence(error.message);
  }
  return sentence(error && error.message ? error.message : String(error));
}
