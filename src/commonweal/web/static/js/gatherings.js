// The gathering pages: scheduling (with a self check-in code made here, of which only the
// hash is logged), checking in with the code shown at the venue (a proof bound to this
// browser's key, as `commonweal gathering claim` makes it), and the organiser's sheet.
// The formulas are domain/gatherings/records.py's: code_hash and claim_proof.

import { ADVICE } from "./api.js";
import { sha256, toHex } from "./bytes.js";
import { NoKey, nodeDid } from "./events.js";
import { registerBody } from "./forms.js";
import { loadKey } from "./keystore.js";
import { t } from "./messages.js";
import { sayAfterReload } from "./ui.js";

Object.assign(ADVICE, {
  full: t("It keeps no waitlist, so there is no place left."),
  already_responded: "",
  no_rsvp: t("This gathering checks in only those with a place from an RSVP."),
  no_code: "",
  too_early: "",
  checkin_closed: "",
  already_checked_in: "",
  wrong_code: t("Check the code you kept when you scheduled the gathering."),
  not_organiser: t("Only its organisers may do this."),
  cancelled: "",
  too_late: "",
});

const ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"; // no 0/O or 1/I to misread at the venue

// A code of 60 random bits in three groups of four: 7KQ3-M9XA-R2TD (as `gathering code`).
export function newCode() {
  const bytes = crypto.getRandomValues(new Uint8Array(12));
  const raw = Array.from(bytes, (b) => ALPHABET[b & 31]).join("");
  return `${raw.slice(0, 4)}-${raw.slice(4, 8)}-${raw.slice(8)}`;
}

// As typed: without case, spaces or dashes ("7kq3 m9xa-r2td" is "7KQ3M9XAR2TD").
export function normalCode(code) {
  return String(code).toUpperCase().replace(/[ \t-]/g, "");
}

async function digest(text) {
  return "sha256:" + toHex(await sha256(new TextEncoder().encode(text)));
}

// What the organiser logs instead of the code.
export function codeHash(code) {
  return digest(`commonweal/checkin-code/v1|${normalCode(code)}`);
}

// What an attendee logs: the code bound to this node, this gathering and this attendee.
export function claimProof(code, node, gathering, did) {
  return digest(`commonweal/checkin/v1|${node}|${gathering}|${did}|${normalCode(code)}`);
}

function codeKey(gathering) {
  return `commonweal-checkin-code:${nodeDid()}:${gathering}`;
}

function utc(form, name) {
  const value = form.elements[name].value.trim();
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(value)) throw new Error(name === "starts" ? t("Give when it starts as a date and a time.") : t("Give when it ends as a date and a time."));
  return value.slice(0, 16) + ":00Z";
}

registerBody("schedule", async (form) => {
  const capacity = form.elements.capacity.value.trim() || "0";
  if (!/^\d+$/.test(capacity)) throw new Error(t("Places must be a whole number (0 for no limit)."));
  const kind = form.querySelector("input[name=kind]:checked");
  const body = {
    kind: kind ? kind.value : "gathering",
    title: form.elements.title.value.trim(),
    description: form.elements.description.value.trim(),
    place: form.elements.place.value.trim(),
    starts: utc(form, "starts"),
    ends: utc(form, "ends"),
    capacity: Number(capacity),
    waitlist: form.elements.waitlist.checked,
    rsvp_required: form.elements.rsvp_required.checked,
    organisers: [...form.querySelectorAll("input[name=organisers]:checked")].map((box) => box.value),
  };
  const code = form.elements.code.value;
  if (form.elements.self_checkin.checked && code) body.checkin_code_hash = await codeHash(code);
  return body;
});

registerBody("claim", async (form) => {
  const key = await loadKey();
  if (!key) throw new NoKey();
  const code = form.elements.code.value;
  if (normalCode(code).length < 4) throw new Error(t("Type the code shown at the venue."));
  const gathering = Number(form.elements.gathering.value);
  return { gathering, proof: await claimProof(code, nodeDid(), gathering, key.did) };
});

function wireSchedule() {
  const form = document.getElementById("schedule");
  if (!form) return;
  const box = form.elements.self_checkin;
  const panel = document.getElementById("code-panel");
  const shown = document.getElementById("code-shown");
  const make = () => {
    form.elements.code.value = newCode();
    shown.textContent = form.elements.code.value;
  };
  const toggle = () => {
    panel.hidden = !box.checked;
    if (box.checked && !form.elements.code.value) make();
  };
  box.addEventListener("change", toggle);
  document.getElementById("another-code").addEventListener("click", make);
  toggle();
  // Keep the code in this browser under the new gathering's id, then open its page.
  form.addEventListener("signed", (event) => {
    const index = event.detail.index;
    if (box.checked && form.elements.code.value) localStorage.setItem(codeKey(index), form.elements.code.value);
    sayAfterReload(t("The gathering is scheduled (entry %(index)s).", { index }));
    location.assign(`/gatherings/${index}`);
  });
}

// The organiser's check-in page: the code kept in this browser, shown big for the venue and
// filled into the reveal form; and a filter over the sheet.
function wireCheckin() {
  const venue = document.querySelector("[data-venue-code]");
  if (venue) {
    const code = localStorage.getItem(codeKey(venue.dataset.venueCode));
    const show = venue.querySelector("button");
    const big = venue.querySelector("[data-code]");
    if (!code) {
      show.hidden = true;
      venue.querySelector("[data-none]").hidden = false;
    } else {
      show.addEventListener("click", () => {
        big.textContent = code;
        big.hidden = !big.hidden;
        show.textContent = big.hidden ? t("Show the code for the venue") : t("Hide the code");
      });
    }
  }
  const reveal = document.getElementById("reveal");
  if (reveal) {
    const code = localStorage.getItem(codeKey(reveal.elements.gathering.value));
    if (code && !reveal.elements.code.value) reveal.elements.code.value = code;
  }
  const filter = document.getElementById("sheet-filter");
  if (filter) {
    filter.hidden = false;
    filter.querySelector("input").addEventListener("input", (event) => {
      const words = event.target.value.trim().toLowerCase();
      for (const row of document.querySelectorAll("tr[data-person]")) {
        row.hidden = words !== "" && !row.dataset.person.toLowerCase().includes(words);
      }
    });
  }
}

wireSchedule();
wireCheckin();
