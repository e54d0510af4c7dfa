// Community credentials: request or issue one (the claims stay off the log: the signed
// event carries their salted commitment, the claims and salt go beside it), and get one's
// passport. Endorsing is an ordinary signed form (forms.js, which page.js enhances).

import { explain, request } from "./api.js";
import { commitment, newSalt } from "./commitment.js";
import { act, NoKey } from "./events.js";

import { loadKey } from "./keystore.js";
import { t } from "./messages.js";
import { clearFormError, formError, say, sayAfterReload } from "./ui.js";

const V2 = "https://www.w3.org/ns/credentials/v2";

function claimsOf(form) {
  const claims = {};
  for (const field of form.querySelectorAll("[data-claim]")) {
    const raw = field.value.trim();
    if (raw === "") {
      if (field.required) throw new Error(t("%(what)s is needed.", { what: field.labels[0].textContent.trim() }));
      continue;
    }
    if (field.dataset.input === "int") {
      if (!/^-?\d+$/.test(raw)) throw new Error(t("%(what)s must be a whole number.", { what: field.labels[0].textContent.trim() }));
      claims[field.dataset.claim] = Number(raw);
    } else if (field.dataset.input === "number") {
      claims[field.dataset.claim] = Number(raw);
    } else if (field.dataset.input === "json") {
      claims[field.dataset.claim] = JSON.parse(raw);
    } else {
      claims[field.dataset.claim] = raw;
    }
  }
  return claims;
}

function issueRequest(type, subject, claims, salt) {
  return (event) => ({
    credential: { "@context": [V2], type: ["VerifiableCredential", type], credentialSubject: { id: subject, ...claims } },
    options: { event, salt },
  });
}

async function sendClaims(form) {
  const claims = claimsOf(form);
  const salt = newSalt();
  const digest = await commitment(claims, salt);
  const kind = form.dataset.kind;
  if (form.dataset.mode === "request") {
    await act("credentials.requested", { kind, claims: digest }, {
      path: "/v1/credentials/requests",
      wrap: (event) => ({ event, claims, salt }),
    });
    return t("Requested: members may now endorse it.");
  }
  const subject = form.subject.value.trim();
  if (!subject) throw new Error(t("Give the member's did:key."));
  await act("credentials.issued", { kind, subject, claims: digest }, {
    path: "/credentials/issue",
    wrap: issueRequest(form.dataset.type, subject, claims, salt),
  });
  return t("Issued: the credential is the member's now.");
}

async function passport() {
  const key = await loadKey();
  if (!key) throw new NoKey();
  const { document } = await request("GET", `/v1/members/${encodeURIComponent(key.did)}/passport-claims`);
  const claims = document.claims;
  const salt = newSalt();
  const digest = await commitment(claims, salt);
  await act("credentials.issued", { kind: "passport", subject: key.did, claims: digest }, {
    path: "/credentials/issue",
    wrap: issueRequest("PassportCredential", key.did, claims, salt),
  });
  return t("Your passport is issued.");
}

function handle(form, work) {
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearFormError(form);
    say(t("Signing with your key and sending…"));
    try {
      sayAfterReload(await work(form));
      location.reload();
    } catch (error) {
      say("");
      formError(form, explain(error));
    }
  });
}

for (const form of document.querySelectorAll("form[data-claims-form]")) handle(form, sendClaims);
const passportForm = document.querySelector("form[data-passport]");
if (passportForm) handle(passportForm, passport);

