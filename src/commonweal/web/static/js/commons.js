// The commons pages: bodies a plain signed form cannot express (a booking from two
// date-time fields, a resource's rules, a deposit in decimals), advice for the commons'
// refusals, free calendar hours that start a booking, and re-drawing a lottery here.

import { ADVICE } from "./api.js";
import { sha256, toHex } from "./bytes.js";
import { nodeDid } from "./events.js";
import { registerBody } from "./forms.js";
import { t } from "./messages.js";

Object.assign(ADVICE, {
  overlap: t("Choose a time the calendar shows as free, or another unit."),
  beyond_limits: t("The rules on this page say how long, how far ahead and how many at once."),
  in_the_past: t("Choose a start from now on (times are in UTC)."),
  role_required: t("Ask a steward about the role, or see who may use it in the rules."),
  booking_suspended: t("Your standing page shows the sanction and how to appeal it."),
  out_of_service: t("A steward or monitor brings it back into service after a report."),
  not_bookable: "",
  round_closed: t("The node draws the round as soon as entries close."),
  already_entered: "",
  not_steward: t("Only its stewards may do this."),
  not_monitor: t("Only its stewards and monitors may do this."),
  not_impartial: t("Another steward, who had no part in the breach, decides this appeal."),
  by_proposal: t("Put it to the assembly with a proposal instead."),
  appeal_too_late: t("The time to appeal has passed."),
  deposit_mismatch: t("Reload the page: the deposit on record has changed."),
  self_sanction: "",
});

// "2026-12-01T09:00" (a datetime-local field, read as UTC) → "2026-12-01T09:00:00Z".
export function utcField(form, name) {
  const field = form.elements[name];
  const value = field ? field.value.trim() : "";
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(value)) {
    throw new Error(t("Give the %(field)s as a date and a time.", { field: name }));
  }
  return value.slice(0, 16) + ":00Z";
}

function int(form, name) {
  const value = (form.elements[name].value || "").trim();
  if (!/^\d+$/.test(value)) throw new Error(t("%(what)s must be a whole number.", { what: name.replace(/_/g, " ") }));
  return Number(value);
}

// "12.50" with exponent 2 → 1250: an amount typed by a person, in minor units.
export function toMinor(text, exponent) {
  const match = /^(\d+)(?:[.,](\d+))?$/.exec(String(text).trim());
  if (!match) throw new Error(t("%(text)s is not an amount (for example 20.00).", { text }));
  const fraction = match[2] || "";
  if (fraction.length > exponent) throw new Error(t("%(text)s has more than %(places)s decimal places.", { text, places: exponent }));
  return Number(match[1]) * 10 ** exponent + Number(fraction.padEnd(exponent, "0") || "0");
}

registerBody("booking", (form) => {
  const body = { resource: Number(form.elements.resource.value), start: utcField(form, "start"), end: utcField(form, "end") };
  if (form.elements.unit && form.elements.unit.value) body.unit = Number(form.elements.unit.value);
  const note = form.elements.note.value.trim();
  if (note) body.note = note;
  return body;
});

function checked(form, name) {
  return [...form.querySelectorAll(`input[name="${name}"]`)].filter((box) => box.checked).map((box) => box.value);
}

// The whole rules of a resource from the fields of _commons.html's rules_fields.
export function rulesFrom(form) {
  const stewards = checked(form, "stewards");
  if (!stewards.length) throw new Error(t("Choose at least one steward."));
  const access = form.elements.access.value;
  const ladder = [];
  for (let n = 0; n < 4; n++) {
    const kind = form.elements[`step_${n}`].value;
    if (!kind) break;
    ladder.push(kind === "suspension" ? { kind, days: int(form, `days_${n}`) } : { kind });
  }
  if (!ladder.length) throw new Error(t("The sanctions ladder needs at least one step."));
  const amount = form.elements.deposit_amount ? form.elements.deposit_amount.value.trim() : "";
  const unit = form.elements.deposit_unit;
  const exponent = amount ? Number(unit.selectedOptions[0].dataset.exponent) : 0;
  return {
    stewards,
    monitors: checked(form, "monitors"),
    access: access === "members" ? "members" : { role: access },
    allocation: form.elements.allocation.value,
    units: int(form, "units"),
    limits: { max_hours: int(form, "max_hours"), max_active: int(form, "max_active"), advance_days: int(form, "advance_days") },
    deposit: amount ? { amount: toMinor(amount, exponent), unit: unit.value } : null,
    sanctions: { ladder, memory_days: int(form, "memory_days") },
    appeals: { by: form.elements.appeals_by.value, days: int(form, "appeals_days") },
  };
}

registerBody("register", (form) => ({
  kind: form.elements.kind.value,
  title: form.elements.title.value.trim(),
  description: form.elements.description.value.trim(),
  rules: rulesFrom(form),
}));

registerBody("rules-proposal", (form) => ({
  kind: "commons",
  topic: form.elements.topic.value,
  title: form.elements.title.value.trim(),
  text: form.elements.text.value.trim(),
  actions: [{ type: "commons.rules.set", resource: Number(form.elements.resource.value), rules: rulesFrom(form) }],
}));

registerBody("sanction-proposal", (form) => {
  const action = {
    type: "commons.sanction.decide",
    sanction: Number(form.elements.sanction.value),
    outcome: form.elements.outcome.value,
    reason: form.elements.reason.value.trim(),
  };
  const days = form.elements.days ? form.elements.days.value.trim() : "";
  if (days && Number(days) > 0 && action.outcome === "upheld") action.days = int(form, "days");
  return {
    kind: "commons",
    topic: form.elements.topic.value,
    title: form.elements.title.value.trim(),
    text: form.elements.text.value.trim(),
    actions: [action],
  };
});

registerBody("round", (form) => {
  const body = {
    resource: Number(form.elements.resource.value),
    start: utcField(form, "start"),
    end: utcField(form, "end"),
    closes: utcField(form, "closes"),
  };
  const note = form.elements.note.value.trim();
  if (note) body.note = note;
  return body;
});

registerBody("deposit-return", (form) => {
  const owed = Number(form.dataset.amount);
  const exponent = Number(form.dataset.exponent);
  const kept = form.elements.retained.value.trim();
  const retained = kept ? toMinor(kept, exponent) : 0;
  if (retained > owed) throw new Error(t("You cannot keep more than the deposit."));
  const body = { booking: Number(form.dataset.booking), amount: owed - retained, unit: form.dataset.unit };
  if (retained) {
    body.retained = retained;
    body.reason = form.elements.reason.value.trim();
    if (!body.reason) throw new Error(t("Say why part of the deposit is kept."));
  }
  return body;
});

// A free hour in the calendar starts the booking form from it (an hour long, or as long as before).
function wireCalendar() {
  const form = document.getElementById("book");
  if (!form) return;
  const start = form.elements.start;
  const end = form.elements.end;
  const hint = form.querySelector("[data-local-time]");
  const showLocal = () => {
    if (!hint) return;
    try {
      const from = new Date(utcField(form, "start"));
      const until = new Date(utcField(form, "end"));
      const zone = Intl.DateTimeFormat().resolvedOptions().timeZone || t("your time zone");
      const options = { weekday: "short", day: "numeric", month: "short", hour: "2-digit", minute: "2-digit" };
      hint.textContent = t("In your time (%(zone)s): %(from)s to %(until)s.", { zone, from: from.toLocaleString(undefined, options), until: until.toLocaleString(undefined, options) });
    } catch {
      hint.textContent = "";
    }
  };
  start.addEventListener("change", showLocal);
  end.addEventListener("change", showLocal);
  for (const cell of document.querySelectorAll("td[data-slot]")) {
    cell.addEventListener("click", () => {
      const from = new Date(cell.dataset.slot + ":00Z");
      start.value = cell.dataset.slot;
      end.value = new Date(from.getTime() + 3600 * 1000).toISOString().slice(0, 16);
      showLocal();
      start.focus();
      form.scrollIntoView({ block: "nearest" });
    });
  }
}

// Re-draw a lottery in this browser: the seed from the node's DID, the round and every
// entrant; each ticket from the seed; the order of the tickets (docs/commons.md).
async function hex(text) {
  return toHex(await sha256(new TextEncoder().encode(text)));
}

export async function redraw(node, roundId, entrants) {
  const everyone = [...new Set(entrants)].sort();
  const seed = await hex([node, `commons-round:${roundId}`, ...everyone].join("|"));
  const tickets = {};
  for (const did of everyone) tickets[did] = await hex(`${seed}|${did}`);
  const order = everyone.slice().sort((a, b) => (tickets[a] < tickets[b] ? -1 : tickets[a] > tickets[b] ? 1 : 0));
  return { seed, tickets, order };
}

function wireRedraw() {
  const box = document.querySelector("[data-round-check]");
  if (!box) return;
  const button = box.querySelector("button");
  const verdict = box.querySelector("[data-verdict]");
  button.addEventListener("click", async () => {
    const data = JSON.parse(box.querySelector("script[type='application/json']").textContent);
    const { seed, tickets, order } = await redraw(nodeDid(), data.round, data.entrants);
    const problems = [];
    if (seed !== data.seed) problems.push(t("the seed differs"));
    order.forEach((did, n) => {
      if (data.order[n] !== did) problems.push(t("place %(place)s differs", { place: n + 1 }));
      if (data.tickets[did] !== tickets[did]) problems.push(t("the ticket of %(did)s differs", { did }));
    });
    const winners = order.filter((did) => data.winners.includes(did));
    if (winners.join() !== data.winners.join()) problems.push(t("the winners are not in ticket order"));
    verdict.className = problems.length ? "message error" : "message success";
    verdict.textContent = problems.length
      ? t("The draw does not check out: %(problems)s.", { problems: problems.slice(0, 3).join("; ") })
      : t("The draw checks out: your browser recomputed the seed and all %(tickets)s tickets, and the winners come in ticket order.", { tickets: order.length });
    verdict.hidden = false;
    verdict.focus();
  });
}

wireCalendar();
wireRedraw();
