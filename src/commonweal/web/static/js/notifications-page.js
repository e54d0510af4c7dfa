// The notifications page: a member's preferences and latest notifications, read and kept
// with requests signed here by their own key (POST /v1/notifications/mine, {did, at, sig},
// purpose "commonweal/notifications"; POST /v1/notifications/preferences, {did, at, sig,
// preferences}, purpose "commonweal/notification-preferences"; the signature is over the
// RFC 8785 bytes of {"purpose", "node", "did", "at"} and, for preferences, "preferences").
// Pushes: the service worker /push-worker.js, PushManager.subscribe with the node's VAPID
// key (data-vapid-key), and POST /v1/notifications/push/subscribe, {did, at, sig,
// subscription: {endpoint, keys: {p256dh, auth}}}, purpose "commonweal/push-subscription"
// (unsubscribe: {did, at, sig, endpoint}, purpose "commonweal/push-unsubscription").

import { explain, postJson } from "./api.js";
import { encode as base58 } from "./base58.js";
import { nodeDid, rfc3339 } from "./events.js";
import { canonicalBytes } from "./jcs.js";
import { sign } from "./keyfile.js";
import { loadKey } from "./keystore.js";
import { t } from "./messages.js";

function nodeClock(section) {
  const rendered = Date.parse(section.dataset.nodeNow || "");
  const offset = Number.isNaN(rendered) ? 0 : rendered - Date.now();
  return () => new Date(Date.now() + offset);
}

async function signedRequest(section, purpose, extra = {}) {
  const key = await loadKey();
  if (!key || key.did !== section.dataset.me) {
    throw new Error(t("This browser does not hold the key you signed in with. Restore your key on the Key page."));
  }
  const at = rfc3339(nodeClock(section)());
  const bytes = canonicalBytes({ purpose, node: nodeDid(), did: key.did, at, ...extra });
  const sig = "z" + base58(await sign(key.privateKey, bytes));
  return { did: key.did, at, sig, ...extra };
}

function fill(form, prefs) {
  form.email.value = prefs.email || "";
  form.default_level.value = prefs.default_level;
  form.digest.value = prefs.digest;
  form.quiet_from.value = prefs.quiet_hours ? prefs.quiet_hours.from : "";
  form.quiet_to.value = prefs.quiet_hours ? prefs.quiet_hours.to : "";
  // Until the member keeps preferences, the fields offer the page's own language and
  // zone (the browser's), not the defaults; a language without a catalogue ("de") too.
  if (form.dataset.kept !== "yes") return;
  const language = (prefs.language || "").split("-")[0].toLowerCase();
  if ([...form.language.options].some((option) => option.value === language)) form.language.value = language;
  form.time_zone.value = prefs.time_zone;
}

function read(form, kept) {
  const quiet = form.quiet_from.value && form.quiet_to.value
    ? { from: form.quiet_from.value.slice(0, 5), to: form.quiet_to.value.slice(0, 5) } : null;
  return {
    email: form.email.value.trim() || null,
    default_level: form.default_level.value,
    levels: kept.levels || {},
    digest: form.digest.value,
    quiet_hours: quiet,
    language: form.language.value.trim() || "en",
    time_zone: form.time_zone.value.trim() || "UTC",
  };
}

function list(body, notifications) {
  body.replaceChildren();
  if (!notifications.length) {
    const row = body.insertRow();
    const cell = row.insertCell();
    cell.colSpan = 4;
    cell.textContent = t("None yet.");
  }
  for (const n of notifications) {
    const row = body.insertRow();
    const link = document.createElement("a");
    link.href = n.path;
    link.textContent = n.subject;
    row.insertCell().append(link);
    row.insertCell().textContent = n.channel === "push" ? t("push") : t("mail");
    row.insertCell().textContent = n.created;
    const state = n.status === "pending" && n.error ? t("waiting to retry (%(attempts)s failed: %(error)s)", { attempts: n.attempts, error: n.error })
      : n.error ? `${n.status}: ${n.error}` : n.status;
    row.insertCell().textContent = state;
  }
}

function applicationServerKey(text) {
  const base64 = text.replace(/-/g, "+").replace(/_/g, "/") + "=".repeat((4 - (text.length % 4)) % 4);
  return Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
}

function showDevices(section, devices) {
  const list = section.querySelector("[data-devices]");
  list.replaceChildren();
  for (const device of devices || []) {
    const item = document.createElement("li");
    item.textContent = t("%(host)s (since %(since)s)", { host: new URL(device.endpoint).host, since: device.since });
    list.append(item);
  }
}

async function pushes(section, devices) {
  const on = section.querySelector("[data-push-on]");
  const off = section.querySelector("[data-push-off]");
  const status = section.querySelector("[data-push-status]");
  showDevices(section, devices);
  if (!("serviceWorker" in navigator) || !("PushManager" in window)) {
    on.disabled = true;
    status.textContent = t("This browser cannot receive pushes.");
    return;
  }
  const registration = await navigator.serviceWorker.register("/push-worker.js", { scope: "/" });
  const current = await registration.pushManager.getSubscription();
  const kept = current && (devices || []).some((d) => d.endpoint === current.endpoint);
  on.hidden = Boolean(kept);
  off.hidden = !kept;
  on.addEventListener("click", async () => {
    status.textContent = t("Asking your browser…");
    try {
      const subscription = await registration.pushManager.subscribe({
        userVisibleOnly: true,
        applicationServerKey: applicationServerKey(section.dataset.vapidKey),
      });
      const json = subscription.toJSON();
      const body = { endpoint: json.endpoint, keys: { p256dh: json.keys.p256dh, auth: json.keys.auth } };
      await postJson("/v1/notifications/push/subscribe",
        await signedRequest(section, "commonweal/push-subscription", { subscription: body }));
      status.textContent = t("This device receives pushes.");
      on.hidden = true;
      off.hidden = false;
      showDevices(section, [...(devices || []), { endpoint: body.endpoint, since: "now" }]);
    } catch (error) {
      status.textContent = explain(error);
    }
  });
  off.addEventListener("click", async () => {
    try {
      const subscription = await registration.pushManager.getSubscription();
      if (subscription) {
        await postJson("/v1/notifications/push/unsubscribe",
          await signedRequest(section, "commonweal/push-unsubscription", { endpoint: subscription.endpoint }));
        await subscription.unsubscribe();
      }
      status.textContent = t("This device no longer receives pushes.");
      on.hidden = false;
      off.hidden = true;
    } catch (error) {
      status.textContent = explain(error);
    }
  });
}

async function show(section) {
  const form = section.querySelector("[data-preferences]");
  const status = form.querySelector("[data-status]");
  let kept = {};
  try {
    const mine = await postJson("/v1/notifications/mine", await signedRequest(section, "commonweal/notifications"));
    kept = mine.preferences;
    fill(form, kept);
    list(section.querySelector("[data-notification-list]"), mine.notifications);
    pushes(section, mine.devices).catch((error) => {
      section.querySelector("[data-push-status]").textContent = explain(error);
    });
  } catch (error) {
    status.textContent = explain(error);
  }
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    status.textContent = t("Signing…");
    try {
      const preferences = read(form, kept);
      const answer = await postJson("/v1/notifications/preferences",
        await signedRequest(section, "commonweal/notification-preferences", { preferences }));
      kept = answer.preferences;
      status.textContent = t("Saved.");
    } catch (error) {
      status.textContent = explain(error);
    }
  });
}

for (const section of document.querySelectorAll("[data-notifications]")) show(section);
