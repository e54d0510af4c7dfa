// The mutual-aid pages: distances from the member's own area (kept in this browser),
// the post form, settling, and messages relayed by the node without contact details.
//
// A message goes to POST /v1/aid/messages beside a signed aid.message.relayed event that
// carries only a salted commitment to it; messages are read back with POST /v1/aid/inbox,
// {did, at, sig}, sig being the member's signature over the RFC 8785 bytes of
// {"purpose": "commonweal/aid-inbox", "node", "did", "at"} (node/aid.py).

import { explain, postJson } from "./api.js";
import { toMinor, instant, wholeNumber } from "./amounts.js";
import { encode as base58 } from "./base58.js";
import { commitment, newSalt } from "./commitment.js";
import { act, nodeDid, rfc3339 } from "./events.js";
import { enhanceForms, registerBody } from "./forms.js";
import { distanceKm, encode, isArea } from "./geohash.js";
import { canonicalBytes } from "./jcs.js";
import { sign } from "./keyfile.js";
import { loadKey } from "./keystore.js";
import { t, tn } from "./messages.js";
import { clearFormError, formError, say } from "./ui.js";

const AREA = "commonweal-aid-area";
const WITHIN = "commonweal-aid-within";
const INBOX_PURPOSE = "commonweal/aid-inbox";

// -- the member's area, and distances ----------------------------------------------

function savedArea() {
  const area = localStorage.getItem(AREA) || "";
  return isArea(area) ? area : "";
}

function showDistances() {
  const area = savedArea();
  const within = Number(localStorage.getItem(WITHIN) || "") || null;
  let hidden = 0;
  for (const place of document.querySelectorAll("[data-area]")) {
    const label = place.querySelector("[data-distance]");
    const cell = place.dataset.area;
    const km = area && isArea(cell) ? distanceKm(area, cell) : null;
    if (label) label.textContent = km === null ? "" : " " + (km === 0 ? t("(in your area)") : t("(about %(km)s km from you)", { km }));
    if (place.closest("[data-board]") && place.matches("li")) {
      const far = km !== null && within !== null && km > within;
      place.hidden = far;
      if (far) hidden += 1;
    }
  }
  const count = document.querySelector("[data-hidden-count]");
  if (count) {
    count.hidden = hidden === 0;
    count.textContent = hidden
      ? tn("%(num)s more is farther than %(km)s km from your area.", "%(num)s more are farther than %(km)s km from your area.", hidden, { km: within })
      : "";
  }
  const summary = document.querySelector("[data-area-summary]");
  if (summary) {
    summary.textContent = area
      ? within
        ? t("Distances are from your area %(area)s; showing what is within %(km)s km, and help given anywhere.", { area, km: within })
        : t("Distances are from your area %(area)s.", { area })
      : t("Set your area to see how far each post is.");
  }
}

function wireAreaPanel(panel) {
  panel.hidden = false;
  const input = panel.querySelector("[data-my-area]");
  const within = panel.querySelector("[data-within]");
  input.value = savedArea();
  within.value = localStorage.getItem(WITHIN) || "";
  const save = () => {
    const area = input.value.trim().toLowerCase();
    if (area && !isArea(area)) {
      say(t("An area is a geohash of 1 to 5 characters (digits and the letters b–z without a, i, l, o)."), "error");
      input.focus();
      return;
    }
    if (area) localStorage.setItem(AREA, area); else localStorage.removeItem(AREA);
    if (within.value) localStorage.setItem(WITHIN, within.value); else localStorage.removeItem(WITHIN);
    showDistances();
  };
  panel.querySelector("[data-save-area]").addEventListener("click", save);
  within.addEventListener("change", save);
  panel.querySelector("[data-forget-area]").addEventListener("click", () => {
    localStorage.removeItem(AREA);
    localStorage.removeItem(WITHIN);
    input.value = "";
    within.value = "";
    showDistances();
    say(t("Your area is forgotten by this browser."));
  });
  panel.querySelector("[data-locate]").addEventListener("click", () => {
    if (!navigator.geolocation) {
      say(t("This browser cannot tell its location; type your area instead."), "error");
      return;
    }
    say(t("Asking this device where it is…"));
    navigator.geolocation.getCurrentPosition(
      (position) => {
        input.value = encode(position.coords.latitude, position.coords.longitude, 5);
        save();
        say(t("Your area is %(area)s, a cell about 5 km across. Only this browser knows it.", { area: input.value }), "success");
      },
      () => say(t("The location was not shared; type your area instead."), "error"),
      { maximumAge: 600000, timeout: 15000 },
    );
  });
}

// -- posting -----------------------------------------------------------------------

function wirePostForm(form) {
  const update = () => {
    const kind = form.querySelector('[name="kind"]:checked').value;
    form.dataset.event = `aid.${kind}.posted`;
    for (const part of document.querySelectorAll("[data-when-kind]")) part.hidden = part.dataset.whenKind !== kind;
  };
  for (const radio of form.querySelectorAll('[name="kind"]')) radio.addEventListener("change", update);
  update();
  const fill = form.querySelector("[data-fill-area]");
  if (fill) {
    fill.addEventListener("click", () => {
      const area = savedArea();
      if (area) form.querySelector('[name="area"]').value = area;
      else say(t("You have not set your area in this browser yet: do it on the Mutual aid board, or type a geohash."), "error");
    });
  }
}

registerBody("aid-post", (form) => {
  const value = (name) => form.querySelector(`[name="${name}"]`).value.trim();
  const kind = form.querySelector('[name="kind"]:checked').value;
  const body = { title: value("title"), category: value("category").toLowerCase() };
  if (!body.title) throw new Error(t("Say in a line what this is about."));
  if (kind === "request") body.urgency = value("urgency");
  const area = value("area").toLowerCase();
  if (area) {
    if (!isArea(area)) throw new Error(t("Roughly where is a geohash of at most 5 characters (about 5 km), never an address."));
    body.area = area;
  }
  for (const name of ["when", "details"]) if (value(name)) body[name] = value(name);
  if (value("expires")) body.expires = instant(value("expires"), t("Open until"));
  return body;
});

// -- settling ----------------------------------------------------------------------

function wireSettleForm(form) {
  const update = () => {
    const as = form.querySelector('[name="as"]:checked').value;
    for (const part of form.querySelectorAll("[data-when-as]")) part.hidden = part.dataset.whenAs !== as;
  };
  for (const radio of form.querySelectorAll('[name="as"]')) radio.addEventListener("change", update);
  update();
}

registerBody("aid-settle", (form) => {
  const post = Number(form.querySelector('[name="post"]').value);
  const as = form.querySelector('[name="as"]:checked').value;
  if (as === "gift") return { post, as };
  if (as === "hours") {
    const minutes = wholeNumber(form.querySelector('[name="hours"]').value || "0", "Hours") * 60
      + wholeNumber(form.querySelector('[name="minutes"]').value || "0", "Minutes");
    if (minutes <= 0) throw new Error(t("Settle at least one minute, or settle it as a gift."));
    return { post, as, minutes };
  }
  const unit = form.querySelector('[name="unit"]');
  if (!unit.value) throw new Error(t("Choose the unit of mutual credit."));
  const exponent = Number(unit.selectedOptions[0].dataset.exponent || "0");
  return { post, as, amount: toMinor(form.querySelector('[name="amount"]').value, exponent), unit: unit.value };
});

// -- messages ----------------------------------------------------------------------

// The node's clock when the page was made, so a request signed on a device whose clock
// is off (or against a test clock) still falls within the node's five minutes.
function nodeClock(section) {
  const rendered = Date.parse(section.dataset.nodeNow || "");
  const offset = Number.isNaN(rendered) ? 0 : rendered - Date.now();
  return () => new Date(Date.now() + offset);
}

async function myKey(section) {
  const key = await loadKey();
  if (!key || key.did !== section.dataset.me) {
    throw new Error(t("This browser does not hold the key you signed in with, so it cannot read your messages. Restore your key on the Key page."));
  }
  return key;
}

async function readInbox(section) {
  const key = await myKey(section);
  const at = rfc3339(nodeClock(section)());
  const bytes = canonicalBytes({ purpose: INBOX_PURPOSE, node: nodeDid(), did: key.did, at });
  const sig = "z" + base58(await sign(key.privateKey, bytes));
  return (await postJson("/v1/aid/inbox", { did: key.did, at, sig })).messages;
}

function messageItem(message, me, names) {
  const item = document.createElement("li");
  item.className = message.from === me ? "mine" : "theirs";
  const who = document.createElement("p");
  who.className = "meta";
  const time = document.createElement("time");
  time.dateTime = message.at;
  time.textContent = new Date(message.at).toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });
  who.append(`${message.from === me ? t("You") : names[message.from] || t("The other member")}, `, time);
  const text = document.createElement("p");
  text.className = "text";
  text.textContent = message.text;
  item.append(who, text);
  return item;
}

async function showConversation(section) {
  const list = section.querySelector("[data-messages]");
  const post = Number(section.dataset.post);
  const names = { [section.dataset.to]: section.dataset.toName };
  try {
    const messages = (await readInbox(section)).filter((m) => m.post === post);
    list.replaceChildren(...messages.map((m) => messageItem(m, section.dataset.me, names)));
    if (!messages.length) {
      const none = document.createElement("li");
      none.className = "meta";
      none.textContent = t("No messages yet. Say hello, and agree where and when.");
      list.append(none);
    }
  } catch (error) {
    const failed = document.createElement("li");
    failed.className = "message error";
    failed.textContent = explain(error);
    list.replaceChildren(failed);
  }
}

function wireConversation(section) {
  showConversation(section);
  const form = section.querySelector("[data-send-message]");
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearFormError(form);
    const text = form.text.value;
    if (!text.trim()) return formError(form, t("Write a message first."));
    const button = form.querySelector("button");
    button.disabled = true;
    say(t("Signing and sending your message…"));
    try {
      const message = { text };
      const salt = newSalt();
      const body = { post: Number(section.dataset.post), to: section.dataset.to, commitment: await commitment(message, salt) };
      await act("aid.message.relayed", body, {
        path: "/v1/aid/messages",
        wrap: (signed) => ({ event: signed, message, salt }),
      });
      form.text.value = "";
      say(t("Your message is on its way: the node relays it, and its log keeps only a fingerprint."), "success");
      await showConversation(section);
    } catch (error) {
      say("");
      formError(form, explain(error));
    } finally {
      button.disabled = false;
    }
  });
}

async function showInbox(section) {
  const box = section.querySelector("[data-inbox-list]");
  const posts = {};
  const names = {};
  for (const item of section.querySelectorAll("[data-live-post]")) {
    posts[item.dataset.livePost] = item.dataset.title;
    names[item.dataset.other] = item.dataset.otherName;
  }
  if (!Object.keys(posts).length) return;
  try {
    const messages = await readInbox(section);
    const groups = new Map();
    for (const message of messages) {
      if (!groups.has(message.post)) groups.set(message.post, []);
      groups.get(message.post).push(message);
    }
    const parts = [];
    for (const [post, found] of groups) {
      const heading = document.createElement("h3");
      const link = document.createElement("a");
      link.href = `/aid/${post}`;
      link.textContent = posts[post] || t("Post %(id)s", { id: post });
      heading.append(link);
      const list = document.createElement("ol");
      list.className = "messages";
      list.append(...found.map((m) => messageItem(m, section.dataset.me, names)));
      const reply = document.createElement("p");
      reply.className = "meta";
      const replyLink = document.createElement("a");
      replyLink.href = `/aid/${post}#messages-h`;
      replyLink.textContent = t("Reply");
      reply.append(replyLink);
      parts.push(heading, list, reply);
    }
    if (!parts.length) {
      const none = document.createElement("p");
      none.textContent = t("No messages yet about the help being worked out with you.");
      parts.push(none);
    }
    box.replaceChildren(...parts);
  } catch (error) {
    const failed = document.createElement("p");
    failed.className = "message error";
    failed.textContent = explain(error);
    box.replaceChildren(failed);
  }
}

for (const panel of document.querySelectorAll("[data-area-panel]")) wireAreaPanel(panel);
for (const form of document.querySelectorAll("[data-aid-post]")) wirePostForm(form);
for (const form of document.querySelectorAll('form[data-body="aid-settle"]')) wireSettleForm(form);
for (const section of document.querySelectorAll("[data-conversation]")) wireConversation(section);
for (const section of document.querySelectorAll("[data-inbox]")) showInbox(section);
showDistances();
enhanceForms();
