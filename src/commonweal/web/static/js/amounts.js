// Amounts typed by people, in a unit's decimals, as the integer minor units events carry:
// "12.50" with 2 decimals is 1250 (domain/treasury/units.py parse_decimal).

import { t } from "./messages.js";

export function toMinor(text, exponent, what = t("The amount")) {
  const clean = String(text || "").trim().replace(/[\s,]/g, "");
  const match = /^(\d+)(?:\.(\d+))?$/.exec(clean);
  if (!match) throw new Error(t("%(what)s must be a number such as %(example)s.", { what, example: exponent ? "12." + "5".padEnd(exponent, "0") : "12" }));
  const fraction = match[2] || "";
  if (fraction.length > exponent) {
    throw new Error(exponent ? t("%(what)s has at most %(places)s decimal places.", { what, places: exponent }) : t("%(what)s is a whole number.", { what }));
  }
  const value = Number(match[1] + fraction.padEnd(exponent, "0"));
  if (!Number.isSafeInteger(value)) throw new Error(t("%(what)s is too large.", { what }));
  if (value <= 0) throw new Error(t("%(what)s must be more than zero.", { what }));
  return value;
}

// An <input type="datetime-local"> value as RFC 3339 in UTC. The field was typed in the
// reader's time zone and the node has read it as the UTC wall clock (locale.js), so its
// value is in UTC here.
export function instant(value, what = t("The time")) {
  const match = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2})(:\d{2})?$/.exec(String(value || "").trim());
  if (!match) throw new Error(t("%(what)s is not a date and time.", { what }));
  return `${match[1]}${match[2] || ":00"}Z`;
}

export function wholeNumber(text, what) {
  const clean = String(text || "").trim();
  if (!/^\d+$/.test(clean)) throw new Error(t("%(what)s must be a whole number.", { what }));
  return Number(clean);
}
