// The proposal page of a secret vote: take a token, wait, seal and cast the ballot with
// a one-time key, keep the receipt, check it (docs/secret-ballots.md, "In the browser").
// The member's key signs only the token request (events.js `act`); everything else
// happens here, in this browser, with secret-ballot.js.

import { explain, getJson, request } from "./api.js";
import { act, NoKey, nodeDid, rfc3339 } from "./events.js";
import { loadKey } from "./keystore.js";
import { t } from "./messages.js";
import * as secret from "./secret-ballot.js";
import { fieldsOf } from "./sealing.js";
import { clearFormError, formError, say } from "./ui.js";

function status(form, text) {
  const box = form.querySelector("[data-secret-status]");
  if (box) box.textContent = text;
  if (text) say(text);
}

// The token for this vote: kept from before, fetched again, or asked for now (fresh).
async function tokenFor(view, form) {
  const node = view.node;
  const held = secret.kept(node, view.proposal);
  if (held.token) return { token: held.token, fresh: false };
  const key = await loadKey();
  if (!key) throw new NoKey();
  if (held.pending) {
    const again = await getJson(`/v1/proposals/${view.proposal}/secret/tokens/${encodeURIComponent(key.did)}`);
    if (!again.signature) throw new Error(t("The node has not signed your token yet; try again in a few seconds."));
    const token = await secret.finishToken(view, held.pending, again.signature);
    secret.keep(node, view.proposal, { token });
    return { token, fresh: false };
  }
  if (form.hasAttribute("data-token-taken")) {
    throw new Error(t("You took your token for this vote elsewhere (another browser, or the command line): cast your ballot there, it holds your token."));
  }
  status(form, t("Taking your token: blinding it, then signing the request with your key…"));
  const { pending, body } = await secret.startToken(view);
  secret.keep(node, view.proposal, { pending });
  const { receipt } = await act(secret.TOKEN_REQUESTED, body, {
    path: `/v1/proposals/${view.proposal}/secret/token`,
  });
  const token = await secret.finishToken(view, pending, receipt.blind_signature);
  secret.keep(node, view.proposal, { token });
  return { token, fresh: true };
}

// Now, or the node's time when this device's clock runs ahead of it by minutes (as events.js).
function signingTime(response) {
  const server = Date.parse(response.headers.get("Date") || "");
  const ahead = !Number.isNaN(server) && Date.now() - server > 5 * 60 * 1000;
  return rfc3339(new Date(ahead ? server : Date.now()));
}

// A random wait of up to `seconds`, shown as a countdown; "Cast now" ends it early.
function randomWait(form, seconds) {
  const draw = crypto.getRandomValues(new Uint32Array(1))[0] / 2 ** 32;
  let left = Math.round(draw * seconds);
  const now = form.querySelector("[data-cast-now]");
  return new Promise((resolve) => {
    const done = () => {
      clearInterval(timer);
      if (now) now.hidden = true;
      resolve();
    };
    const tick = () => {
      if (left <= 0) return done();
      form.querySelector("[data-secret-status]").textContent =
        t("You hold your token. Casting in %(seconds)s s, so that the log's order does not link your ballot to your token request. Keep this page open.", { seconds: left });
      left -= 1;
    };
    say(t("You hold your token. Your ballot will be cast after a random wait; keep this page open."));
    const timer = setInterval(tick, 1000);
    if (now) {
      now.hidden = false;
      now.disabled = false;
      now.addEventListener("click", done, { once: true });
    }
    tick();
  });
}

async function cast(form, ballotOf, { tokenOnly = false } = {}) {
  const proposal = Number(form.dataset.secretBallot);
  const ballot = tokenOnly ? null : ballotOf(form);
  const { document: view, response } = await request("GET", `/v1/proposals/${proposal}/secret`);
  if (secret.kept(view.node, proposal).receipt) throw new Error(t("You have cast your sealed ballot already; it cannot be changed."));
  if (ballot) fieldsOf(view, ballot); // refuse a ballot the vote cannot take before taking the token
  const { token, fresh } = await tokenFor(view, form);
  if (tokenOnly) {
    status(form, t("You hold your token, kept in this browser. Come back later to cast your ballot: the later, the harder to link."));
    return;
  }
  if (fresh) await randomWait(form, Number(form.dataset.maxDelay || "120"));
  status(form, t("Sealing your ballot and casting it with a one-time key…"));
  const body = await secret.sealBallot(view, ballot, token);
  const event = await secret.sealedEvent(view, body, signingTime(response));
  const { document } = await request("POST", "/v1/events", event, { anonymous: true });
  const receipt = await secret.receiptOf(proposal, document.index, event, ballot);
  secret.keep(view.node, proposal, { receipt, token: null, pending: null });
  status(form, t("Your sealed ballot is entry %(index)s of the log, cast with a one-time key. Your receipt is kept in this browser.", { index: document.index }));
  form.dispatchEvent(new CustomEvent("sealed", { detail: receipt }));
  showReceipts();
}

export function wireSecretBallot(form, ballotOf) {
  const run = async (options) => {
    clearFormError(form);
    const buttons = [...form.querySelectorAll("button:not([data-cast-now])")];
    buttons.forEach((b) => (b.disabled = true));
    form.setAttribute("aria-busy", "true");
    try {
      await cast(form, ballotOf, options);
    } catch (error) {
      status(form, "");
      formError(form, explain(error));
    } finally {
      buttons.forEach((b) => (b.disabled = false));
      form.removeAttribute("aria-busy");
    }
  };
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    run({});
  });
  const tokenOnly = form.querySelector("[data-token-only]");
  if (tokenOnly) tokenOnly.addEventListener("click", () => run({ tokenOnly: true }));
  for (const button of form.querySelectorAll("button:not([data-cast-now])")) button.disabled = false;
  const proposal = Number(form.dataset.secretBallot);
  const held = secret.kept(nodeDid(), proposal);
  if (held.receipt) form.hidden = true;
  else if (held.token || held.pending) status(form, t("You hold your token for this vote: casting now uses it, without waiting."));
}

// A ballot in words, as the page's ballot_words macro says it ("Weekends, then Boat"), with
// its words in the page's language.
export function ballotWords(ballot, labels = {}) {
  const name = (o) => labels[o] || o;
  if (ballot.choice !== undefined) return name(ballot.choice);
  if (ballot.position !== undefined) return { consent: t("consent"), stand_aside: t("stand aside"), object: t("object") }[ballot.position];
  if (ballot.approve) return `${t("approve")} ${ballot.approve.length ? ballot.approve.map(name).join(", ") : t("nothing")}`;
  if (ballot.scores) return Object.entries(ballot.scores).map(([o, n]) => `${name(o)} ${n}`).join(", ");
  if (ballot.votes) return Object.entries(ballot.votes).map(([o, n]) => `${name(o)} ${n > 0 ? "+" : ""}${n}`).join(", ");
  if (ballot.ranking) {
    return ballot.ranking.map((e) => (Array.isArray(e) ? e.map(name).join(" = ") : name(e))).join(`, ${t("then")} `);
  }
  return JSON.stringify(ballot);
}

function words(report, labels) {
  if (!report.in_log) return t("The ballot at your receipt's entry is not yours: tell the node's stewards.");
  const parts = [t("Your ballot is entry %(index)s of the log, and it carries your token.", { index: report.ballot })];
  if (report.spoiled) parts.push(t("It was spoiled (%(why)s) and not counted.", { why: report.spoiled }));
  else if (report.counted) parts.push(t("It was decrypted as “%(ballot)s” and counted.", { ballot: ballotWords(report.decrypted_as, labels) }));
  else parts.push(t("It will be decrypted and counted after the vote closes."));
  return parts.join(" ");
}

// The receipt box: shown when this browser keeps a receipt for the page's proposal.
export function showReceipts() {
  for (const box of document.querySelectorAll("[data-secret-receipt]")) {
    const proposal = Number(box.dataset.secretReceipt);
    const labels = JSON.parse(box.dataset.labels || "{}");
    const { receipt } = secret.kept(nodeDid(), proposal);
    if (!receipt) continue;
    box.hidden = false;
    box.querySelector("[data-receipt-words]").textContent =
      t("You cast “%(ballot)s” as entry %(index)s of the log (its nullifier: %(nullifier)s…).", { ballot: ballotWords(receipt.choice, labels), index: receipt.ballot, nullifier: receipt.nullifier.slice(0, 16) });
    const button = box.querySelector("[data-receipt-check]");
    if (button.dataset.wired) continue;
    button.dataset.wired = "yes";
    button.addEventListener("click", async () => {
      const out = box.querySelector("[data-receipt-result]");
      try {
        const found = await getJson(`/v1/proposals/${proposal}/secret/ballots/${receipt.ballot}`, { anonymous: true });
        const report = secret.checkReceipt(receipt, found);
        out.textContent = words(report, labels);
        out.className = report.in_log ? "message success" : "message error";
        out.dataset.inLog = String(report.in_log);
        out.dataset.counted = String(report.counted);
      } catch (error) {
        out.textContent = explain(error);
        out.className = "message error";
      }
    });
  }
}
