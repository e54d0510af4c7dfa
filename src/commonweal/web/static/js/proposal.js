// The proposal page: ballots for every voting method (domain/governance/ballots.py),
// with a ranking that moves by drag and drop, by keyboard, or by buttons.

import { getJson } from "./api.js";
import { enhanceForms, registerBody } from "./forms.js";
import { t } from "./messages.js";
import { say } from "./ui.js";

function ranking(form) {
  const list = form.querySelector("[data-ranking]");
  const ties = list.dataset.ties === "yes";
  const order = [];
  for (const item of list.querySelectorAll("li[data-option]")) {
    if (!item.querySelector("[data-ranked]").checked) continue;
    const tied = ties && item.querySelector("[data-tied]").checked && order.length;
    if (tied) {
      const last = order[order.length - 1];
      order[order.length - 1] = Array.isArray(last) ? [...last, item.dataset.option] : [last, item.dataset.option];
    } else {
      order.push(item.dataset.option);
    }
  }
  if (!order.length) throw new Error(t("Rank at least one option."));
  return order;
}

function checked(form, name) {
  const box = form.querySelector(`[name="${name}"]:checked`);
  return box ? box.value : null;
}

function ballotOf(form) {
  const method = form.dataset.method;
  switch (method) {
    case "yes_no":
    case "double_majority":
    case "plurality": {
      const choice = checked(form, "choice");
      if (!choice) throw new Error(t("Choose one option first."));
      return { choice };
    }
    case "consent": {
      const position = checked(form, "position");
      if (!position) throw new Error(t("Choose your position first."));
      const field = form.querySelector('[name="reason"]');
      if (!field) return { position }; // a secret ballot carries no reason
      const reason = field.value.trim();
      if (position === "object" && !reason) throw new Error(t("An objection needs its reason."));
      return reason ? { position, reason } : { position };
    }
    case "approval":
      return { approve: [...form.querySelectorAll('[name="approve"]:checked')].map((b) => b.value) };
    case "score":
    case "star": {
      const scores = {};
      for (const select of form.querySelectorAll("[data-score]")) scores[select.dataset.score] = Number(select.value);
      return { scores };
    }
    case "quadratic": {
      const votes = {};
      for (const input of form.querySelectorAll("[data-votes]")) {
        if (!/^-?\d+$/.test(input.value.trim())) throw new Error(t("Votes are whole numbers."));
        const n = Number(input.value);
        if (n !== 0) votes[input.dataset.votes] = n;
      }
      const cost = Object.values(votes).reduce((sum, n) => sum + n * n, 0);
      if (cost > Number(form.dataset.credits)) throw new Error(t("These votes cost %(cost)s credits; you have %(credits)s.", { cost, credits: form.dataset.credits }));
      return { votes };
    }
    default:
      return { ranking: ranking(form) };
  }
}

// The same ballot for a proposal here and for a precinct of a network vote: the hidden
// field marked data-ballot-for names what it is cast in ("proposal" or "precinct").
registerBody("ballot", (form) => {
  const target = form.querySelector("[data-ballot-for]");
  return { [target.name]: Number(target.value), ballot: ballotOf(form) };
});

// -- the ranking list --------------------------------------------------------------

function announce(item) {
  const items = [...item.parentElement.children];
  say(t("%(option)s is now number %(place)s of %(count)s.", { option: item.querySelector(".option-label").textContent, place: items.indexOf(item) + 1, count: items.length }));
}

function move(item, direction) {
  if (direction === "up" && item.previousElementSibling) item.parentElement.insertBefore(item, item.previousElementSibling);
  else if (direction === "down" && item.nextElementSibling) item.parentElement.insertBefore(item.nextElementSibling, item);
  else return;
  announce(item);
}

function wireRanking(list) {
  let dragged = null;
  for (const item of list.querySelectorAll("li[data-option]")) {
    item.addEventListener("dragstart", (event) => {
      dragged = item;
      item.classList.add("dragging");
      event.dataTransfer.effectAllowed = "move";
      event.dataTransfer.setData("text/plain", item.dataset.option);
    });
    item.addEventListener("dragend", () => {
      item.classList.remove("dragging");
      dragged = null;
    });
    item.addEventListener("dragover", (event) => {
      if (!dragged || dragged === item) return;
      event.preventDefault();
      const box = item.getBoundingClientRect();
      const after = event.clientY > box.top + box.height / 2;
      list.insertBefore(dragged, after ? item.nextElementSibling : item);
    });
    item.addEventListener("drop", (event) => {
      event.preventDefault();
      if (dragged) announce(dragged);
    });
    for (const button of item.querySelectorAll("[data-move]")) {
      button.addEventListener("click", () => {
        move(item, button.dataset.move);
        button.focus();
      });
    }
    const handle = item.querySelector("[data-handle]");
    handle.addEventListener("keydown", (event) => {
      if (event.key !== "ArrowUp" && event.key !== "ArrowDown") return;
      event.preventDefault();
      move(item, event.key === "ArrowUp" ? "up" : "down");
      handle.focus();
    });
  }
}

function wireCredits(form) {
  const left = form.querySelector("[data-credits-left]");
  const update = () => {
    const cost = [...form.querySelectorAll("[data-votes]")].reduce((sum, input) => sum + (Number(input.value) || 0) ** 2, 0);
    const credits = Number(form.dataset.credits);
    left.textContent = t("These votes cost %(cost)s of your %(credits)s voice credits (%(left)s left).", { cost, credits, left: credits - cost });
    left.className = cost > credits ? "message error" : "";
  };
  form.addEventListener("input", update);
  update();
}

// A secret vote's ballot and receipt load their cryptography (secret-vote.js and the
// vendored @noble modules) only on the pages that have them; without the vendored
// files (a node built without npm) the ballot says so, and the rest of the page works.
async function wireSecretVote() {
  const forms = document.querySelectorAll("form[data-secret-ballot]");
  if (!forms.length && !document.querySelector("[data-secret-receipt]")) return;
  let module;
  try {
    module = await import("./secret-vote.js");
  } catch {
    for (const form of forms) {
      form.querySelector("[data-secret-status]").textContent =
        t("This node was installed without the scripts that seal a ballot (make vendor): vote with the command line.");
      for (const button of form.querySelectorAll("button")) button.disabled = true;
    }
    return;
  }
  for (const form of forms) module.wireSecretBallot(form, ballotOf);
  module.showReceipts();
}

// Live turnout: the figures follow the log while the page is open.
function followTurnout(box) {
  const refresh = async () => {
    if (document.hidden) return;
    try {
      const proposal = await getJson(`/v1/proposals/${box.dataset.liveTurnout}`);
      if (!proposal.turnout) return;
      for (const cell of box.querySelectorAll("[data-turnout]")) {
        cell.textContent = String(proposal.turnout[cell.dataset.turnout]);
      }
    } catch {
      // the next tick tries again
    }
  };
  setInterval(refresh, 10000);
}

for (const list of document.querySelectorAll("[data-ranking]")) wireRanking(list);
for (const box of document.querySelectorAll("[data-live-turnout]")) followTurnout(box);
for (const form of document.querySelectorAll('form[data-method="quadratic"]')) wireCredits(form);
wireSecretVote();
enhanceForms();
