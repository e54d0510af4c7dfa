// Amounts typed by people, in a unit's decimals, as the integer minor units events carry:
// "12.50" with 2 decimals is 1250 (domain/treasury/units.py parse_decimal).

export function toMinor(text, exponent, what = "The amount") {
  const clean = String(text || "").trim().replace(/[\s,]/g, "");
  const match = /^(\d+)(?:\.(\d+))?$/.exec(clean);
  if (!match) throw new Error(`${what} must be a number such as ${exponent ? "12." + "5".padEnd(exponent, "0") : "12"}.`);
  const fraction = match[2] || "";
  if (fraction.length > exponent) {
    throw new Error(exponent ? `${what} has at most ${exponent} decimal places.` : `${what} is a whole number.`);
  }
  const value = Number(match[1] + fraction.padEnd(exponent, "0"));
  if (!Number.isSafeInteger(value)) throw new Error(`${what} is too large.`);
  if (value <= 0) throw new Error(`${what} must be more than zero.`);
  return value;
}

// An <input type="datetime-local"> value as RFC 3339 in UTC. The field was typed in the
// reader's time zone and the node has read it as the UTC wall clock (locale.js), so its
// value is in UTC here.
export function instant(value, what = "The time") {
  const match = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2})(:\d{2})?$/.exec(String(value || "").trim());
  if (!match) throw new Error(`${what} is not a date and time.`);
  return `${match[1]}${match[2] || ":00"}Z`;
}

export function wholeNumber(text, what) {
  const clean = String(text || "").trim();
  if (!/^\d+$/.test(clean)) throw new Error(`${what} must be a whole number.`);
  return Number(clean);
}
