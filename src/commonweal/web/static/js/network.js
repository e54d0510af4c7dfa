// The network pages: a steward recognises a node, revises a treaty's terms (witness,
// mirror, visitors' rights) or withdraws, each as an event signed in this browser.
// Where the constitution reserves recognition for a passed proposal, the same forms
// draft the proposal instead (the action the node executes when it passes), as
// `commonweal recognize URL --propose` does.

import { ADVICE } from "./api.js";
import { registerBody } from "./forms.js";
import { t } from "./messages.js";

Object.assign(ADVICE, {
  decision_required: t("This node's constitution reserves recognition for a passed proposal: reload the page to draft one."),
  self_recognition: "",
  duplicate_key: t("Another node is already recognised with that log or key."),
  not_recognized: t("This node is not recognised now."),
});

// The node's identity as the page received it: DID, signing key, log origin and keys, URL, name.
function identity(form) {
  const known = JSON.parse(form.elements.identity.value);
  const fields = {};
  for (const name of ["node", "key", "origin", "vkey", "witness", "url", "name"]) {
    if (known[name]) fields[name] = known[name];
  }
  return fields;
}

function checked(form, name) {
  return [...form.querySelectorAll(`input[name="${name}"]`)].filter((f) => f.checked).map((f) => f.value);
}

export function terms(form) {
  return {
    credentials: checked(form, "credentials"),
    visitors: checked(form, "visitors"),
    witness: form.elements.witness.checked,
    mirror: form.elements.mirror.checked,
    alliance: form.elements.alliance.checked,
  };
}

registerBody("recognition", (form) => ({ ...identity(form), terms: terms(form) }));

registerBody("withdrawal", (form) => {
  const body = { node: identity(form).node };
  const reason = form.elements.reason.value.trim();
  if (reason) body.reason = reason;
  return body;
});

function proposal(title, text, action) {
  return { kind: "recognition", topic: "general", title, text, actions: [action] };
}

registerBody("recognition-proposal", (form) => {
  const known = identity(form);
  const verb = form.elements.verb.value;
  const name = known.name || known.node;
  return proposal(`${verb} ${name}`.slice(0, 200), `${verb} the node at ${known.url} on the terms stated.`, {
    type: "federation.recognize",
    ...known,
    terms: terms(form),
  });
});

registerBody("withdrawal-proposal", (form) => {
  const known = identity(form);
  const reason = form.elements.reason.value.trim();
  return proposal(
    `Withdraw the recognition of ${known.name || known.node}`.slice(0, 200),
    reason || `Withdraw the recognition of the node at ${known.url}.`,
    { type: "federation.withdraw", node: known.node, reason },
  );
});

// A node this node does not know yet: the steward pastes its identity document (what
// https://OTHER/.well-known/commonweal shows), as `commonweal recognize URL` fetches it.
const REQUIRED = ["did", "key", "origin", "vkey", "witness", "url"];

export function fromDocument(form) {
  let doc;
  try {
    doc = JSON.parse(form.elements.document.value);
  } catch {
    throw new Error(t("The identity document is not JSON: paste everything the other node's /.well-known/commonweal shows."));
  }
  const missing = REQUIRED.filter((name) => typeof doc?.[name] !== "string" || !doc[name]);
  if (missing.length) throw new Error(t("The identity document lacks %(fields)s.", { fields: missing.join(", ") }));
  const known = { node: doc.did, key: doc.key, origin: doc.origin, vkey: doc.vkey, witness: doc.witness, url: doc.url };
  if (typeof doc.name === "string" && doc.name) known.name = doc.name;
  return known;
}

registerBody("recognition-document", (form) => ({ ...fromDocument(form), terms: terms(form) }));

registerBody("recognition-document-proposal", (form) => {
  const known = fromDocument(form);
  return proposal(`Recognise ${known.name || known.node}`.slice(0, 200), `Recognise the node at ${known.url} on the terms stated.`, {
    type: "federation.recognize",
    ...known,
    terms: terms(form),
  });
});

// A steward's request that the node call a network vote in its alliance
// (federation.alliance_call.requested): the node signs the call with its own key.
registerBody("alliance-call", (form) => {
  const options = form.elements.options.value.split(",").map((o) => o.trim()).filter(Boolean);
  const body = {
    alliance: form.elements.alliance.value,
    kind: form.elements.kind.value.trim() || "network",
    title: form.elements.title.value.trim(),
    options,
  };
  const text = form.elements.text.value.trim();
  if (text) body.text = text;
  return body;
});
