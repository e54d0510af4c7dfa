// What a person typed in their own format, read by the node before a form is signed
// (docs/languages.md): amount fields (inputmode="decimal", but for those marked
// data-as-typed, such as coordinates) in the reader's language
// ("86,40" in French), date-and-time fields in the reader's time zone. The node answers
// the canonical forms (86.40; the UTC wall clock), which replace the fields' text while
// the event is built; `restore()` puts back what the person typed. A datetime-local field
// marked data-utc is already in UTC and left alone.

import { postJson } from "./api.js";

function filled(form, selector) {
  return [...form.querySelectorAll(selector)].filter((field) => !field.disabled && field.value.trim() !== "");
}

export async function readLocally(form) {
  const amounts = filled(form, 'input[inputmode="decimal"]:not([data-as-typed])');
  const times = filled(form, 'input[type="datetime-local"]:not([data-utc])');
  const typed = [...amounts, ...times].map((field) => [field, field.value]);
  const restore = () => typed.forEach(([field, value]) => (field.value = value));
  if (!typed.length) return restore;
  const read = await postJson("/v1/locale/read", {
    amounts: amounts.map((field) => field.value),
    times: times.map((field) => field.value),
  });
  amounts.forEach((field, i) => (field.value = read.amounts[i]));
  times.forEach((field, i) => (field.value = read.times[i]));
  return restore;
}

// Keep this browser's time zone for the node (pages show times in it, unless the member
// chose one in their notification preferences).
export function rememberTimeZone() {
  let zone = "";
  try {
    zone = Intl.DateTimeFormat().resolvedOptions().timeZone || "";
  } catch {
    return;
  }
  if (!/^[A-Za-z0-9_+\-/]{1,100}$/.test(zone)) return;
  const kept = document.cookie.split("; ").find((part) => part.startsWith("cw_tz="));
  if (kept === `cw_tz=${zone}`) return;
  document.cookie = `cw_tz=${zone}; path=/; max-age=31536000; samesite=lax${location.protocol === "https:" ? "; secure" : ""}`;
}
