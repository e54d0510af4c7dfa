// Signed forms: any <form data-event="area.subject.action"> becomes an event built,
// signed and submitted in this browser when it is sent. Capability pages need no
// script of their own for ordinary actions (docs/web.md):
//
//   <form data-event="governance.comment.posted" data-then="reload">
//     <input type="hidden" name="proposal" value="42" data-type="int">
//     <label>Comment <textarea name="text" required></textarea></label>
//     <button>Post</button>
//   </form>
//
// Field names may be dotted ("ballot.choice") to nest. data-type on a field: "int",
// "bool" (a checkbox), "json", "list" (every checked box of that name), "null"
// (an empty value becomes null); data-omit-empty leaves an empty field out.
// data-body="name" uses a builder registered with registerBody(name, form => body) (or a
// promise of the body).
// data-then: "reload" (default), "redirect:/path" ({index} is the receipt's index),
// or "stay". data-done is the message shown afterwards; data-confirm asks first.

import { explain } from "./api.js";
import { act } from "./events.js";
import { readLocally } from "./locale.js";
import { t } from "./messages.js";
import { clearFormError, formError, say, sayAfterReload } from "./ui.js";

const builders = new Map();

export function registerBody(name, builder) {
  builders.set(name, builder);
}

function fieldValue(field, form) {
  const type = field.dataset.type || "";
  if (type === "list") {
    return [...form.querySelectorAll(`[name="${field.name}"]`)].filter((f) => f.checked).map((f) => f.value);
  }
  if (type === "bool") return field.checked;
  if ((field.type === "checkbox" || field.type === "radio") && !field.checked) return undefined;
  const raw = field.value;
  if (raw === "" && field.hasAttribute("data-omit-empty")) return undefined;
  if (type === "int") {
    if (!/^-?\d+$/.test(raw.trim())) throw new Error(t("%(what)s must be a whole number.", { what: labelOf(field) }));
    return Number(raw);
  }
  if (type === "null") return raw === "" ? null : raw;
  if (type === "json") return JSON.parse(raw);
  return raw;
}

function labelOf(field) {
  const label = field.labels && field.labels[0];
  return label ? label.textContent.trim().replace(/\s+/g, " ") : field.name;
}

function put(body, path, value) {
  const parts = path.split(".");
  let at = body;
  for (const part of parts.slice(0, -1)) at = at[part] = at[part] || {};
  at[parts[parts.length - 1]] = value;
}

export function formBody(form) {
  if (form.dataset.body) {
    const builder = builders.get(form.dataset.body);
    if (!builder) throw new Error(`no body builder called ${form.dataset.body}`);
    return builder(form);
  }
  const body = {};
  const done = new Set();
  for (const field of form.elements) {
    if (!field.name || field.disabled || field.hasAttribute("data-ignore") || done.has(field.name + field.value)) continue;
    const value = fieldValue(field, form);
    if (field.dataset.type === "list") done.add(field.name + field.value);
    if (value !== undefined) put(body, field.name, value);
  }
  return body;
}

async function send(form, submitter) {
  clearFormError(form);
  if (form.dataset.confirm && !window.confirm(form.dataset.confirm)) return;
  const buttons = [...form.querySelectorAll("button, input[type=submit]")];
  buttons.forEach((b) => (b.disabled = true));
  form.setAttribute("aria-busy", "true");
  say(t("Signing with your key and sending…"));
  let restore = () => {};
  try {
    restore = await readLocally(form); // amounts and times as the reader writes them
    const body = await formBody(form); // a builder may be async (hashing, reading the key)
    const type = (submitter && submitter.dataset.event) || form.dataset.event;
    const { receipt } = await act(type, body);
    const done = form.dataset.done || t("Done: it is signed and in the log.");
    const then = form.dataset.then || "reload";
    if (then === "stay") {
      say(t("%(done)s (entry %(index)s)", { done, index: receipt.index }), "success");
      form.dispatchEvent(new CustomEvent("signed", { detail: receipt }));
    } else {
      sayAfterReload(t("%(done)s (entry %(index)s)", { done, index: receipt.index }));
      location.assign(then.startsWith("redirect:") ? then.slice(9).replace("{index}", receipt.index) : location.href);
    }
  } catch (error) {
    say("");
    formError(form, explain(error));
  } finally {
    restore();
    buttons.forEach((b) => (b.disabled = false));
    form.removeAttribute("aria-busy");
  }
}

export function enhanceForms(root = document) {
  for (const form of root.querySelectorAll("form[data-event]")) {
    if (form.dataset.enhanced) continue;
    form.dataset.enhanced = "yes";
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      send(form, event.submitter);
    });
  }
}
