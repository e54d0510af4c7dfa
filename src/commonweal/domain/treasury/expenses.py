"""Expenses, with Open Collective's statuses: DRAFT → PENDING → APPROVED → PAID,
or REJECTED or CANCELED on the way.

A member drafts an expense against a fund (what, how much, optional items that add
up to the amount, the budget line, digests of receipts) and submits it. Treasurers
(holders of ``treasury.spend``) approve it; when as many distinct treasurers as the
treasury policy requires have approved, it is APPROVED. Nobody approves or pays an
expense they submitted or are to be paid by. A treasurer then pays it — at most the
approved amount, and only if the fund holds it — out of the books (a bank transfer,
with the digest of its evidence) or into the payee's member account.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from commonweal.domain.errors import Conflict, InvalidBody, NotPermitted
from commonweal.domain.fields import (
    SHA256_DIGEST,
    amount,
    only,
    optional_amount,
    optional_text,
    ref,
    required_text,
    sha256_digest,
)
from commonweal.domain.membership.records import (
    did_member,
    require_active_member,
    require_permission,
)
from commonweal.domain.registry import Context
from commonweal.domain.state import State, existing
from commonweal.domain.treasury.accounts import (
    EXTERNAL,
    fund_account,
    member_account,
    parse_slug,
    require_open,
)
from commonweal.domain.treasury.ledger import move
from commonweal.domain.treasury.policy import current_policy
from commonweal.domain.treasury.records import BUDGETS, EXPENSES, SPEND
from commonweal.domain.treasury.units import parse_code, require_unit
from commonweal.domain.words import N_, WP_

DRAFTED = "treasury.expense.drafted"
SUBMITTED = "treasury.expense.submitted"
APPROVED_EVENT = "treasury.expense.approved"
REJECTED_EVENT = "treasury.expense.rejected"
CANCELLED_EVENT = "treasury.expense.cancelled"
PAID_EVENT = "treasury.expense.paid"

DRAFT, PENDING, APPROVED, PAID, REJECTED, CANCELED = (
    "DRAFT",
    "PENDING",
    "APPROVED",
    "PAID",
    "REJECTED",
    "CANCELED",
)
STATUSES = (DRAFT, PENDING, APPROVED, PAID, REJECTED, CANCELED)
METHODS = ("external", "account")
MAX_ITEMS = 50
MAX_EVIDENCE = 20


@dataclass(frozen=True, slots=True)
class Draft:
    """Body of ``treasury.expense.drafted``."""

    fund: str
    unit: str
    amount: int
    title: str
    description: str
    items: list[dict[str, Any]]
    payee: str | None
    line: str
    evidence: list[str]


@dataclass(frozen=True, slots=True)
class Decision:
    """Body of the approving, rejecting, cancelling and submitting events."""

    expense: int
    reason: str


@dataclass(frozen=True, slots=True)
class Payment:
    """Body of ``treasury.expense.paid``."""

    expense: int
    amount: int | None
    method: str
    evidence: str


def parse_draft(body: Mapping[str, Any]) -> Draft:
    """``{"fund", "unit", "amount", "title", "description"?, "items"?, "payee"?, "line"?,
    "evidence"?}``; items, if given, add up to the amount."""
    only(
        body,
        {"fund", "unit", "amount", "title", "description", "items", "payee", "line", "evidence"},
    )
    total = amount(body)
    items = _items(body.get("items", []))
    if items and sum(item["amount"] for item in items) != total:
        raise InvalidBody("the items must add up to the amount")
    evidence = body.get("evidence", [])
    if not isinstance(evidence, list) or len(evidence) > MAX_EVIDENCE:
        raise InvalidBody(
            "evidence is a list of at most %(max_evidence)s sha256 digests",
            max_evidence=MAX_EVIDENCE,
        )
    for digest in evidence:
        if not isinstance(digest, str) or not SHA256_DIGEST.match(digest):
            raise InvalidBody("each evidence digest looks like 'sha256:' and 64 hex digits")
    line = body.get("line", "")
    return Draft(
        fund=parse_slug(body.get("fund")),
        unit=parse_code(body.get("unit")),
        amount=total,
        title=required_text(body, "title", max_length=200),
        description=optional_text(body, "description", max_length=5000),
        items=items,
        payee=did_member(dict(body), "payee") if "payee" in body else None,
        line=parse_slug(line, "line") if line else "",
        evidence=list(evidence),
    )


def parse_decision(body: Mapping[str, Any]) -> Decision:
    """``{"expense": id, "reason"?}``."""
    only(body, {"expense", "reason"})
    return Decision(ref(body, "expense"), optional_text(body, "reason", max_length=2000))


def parse_payment(body: Mapping[str, Any]) -> Payment:
    """``{"expense": id, "amount"?, "method"?: "external"|"account", "evidence"?}``."""
    only(body, {"expense", "amount", "method", "evidence"})
    method = body.get("method", "external")
    if method not in METHODS:
        raise InvalidBody('method is "external" (paid out of the books) or "account"')
    return Payment(
        expense=ref(body, "expense"),
        amount=optional_amount(body),
        method=str(method),
        evidence=sha256_digest(body, "evidence") if "evidence" in body else "",
    )


def apply_draft(state: State, ctx: Context, draft: Draft) -> None:
    """A member drafts an expense (DRAFT)."""
    require_active_member(state, ctx.author, WP_("to do", "claim an expense"))
    require_unit(state, draft.unit)
    require_open(state, fund_account(draft.fund))
    payee = draft.payee or ctx.author
    require_open(state, member_account(payee))
    if draft.line and not _budgeted(state, draft.fund, draft.unit, draft.line):
        raise Conflict(
            "no budget of the fund %(fund)s in %(unit)s has a line %(line)s",
            fund=repr(draft.fund),
            unit=draft.unit,
            line=repr(draft.line),
            code="unknown_line",
        )
    state.put(
        EXPENSES,
        ctx.index,
        {
            "id": ctx.index,
            "status": DRAFT,
            "submitter": ctx.author,
            "payee": payee,
            "fund": draft.fund,
            "unit": draft.unit,
            "amount": draft.amount,
            "title": draft.title,
            "description": draft.description,
            "items": draft.items,
            "line": draft.line,
            "evidence": draft.evidence,
            "approvals": [],
            "paid": None,
            "reason": "",
            "history": [_step(ctx, DRAFT)],
        },
    )


def apply_submission(state: State, ctx: Context, decision: Decision) -> None:
    """Its submitter sends a draft for approval (PENDING)."""
    expense = _expense(state, decision.expense)
    _require_submitter(expense, ctx, N_("only the expense's submitter may submit it"))
    _require_status(expense, DRAFT, doing="submit")
    require_active_member(state, ctx.author, WP_("to do", "submit an expense"))
    _move(state, ctx, expense, PENDING)


def apply_approval(state: State, ctx: Context, decision: Decision) -> None:
    """A treasurer approves; the N-th distinct approval makes it APPROVED."""
    expense = _expense(state, decision.expense)
    require_permission(state, ctx, SPEND)
    _require_not_own(
        expense, ctx, N_("a treasurer may not approve an expense they submitted or are paid by")
    )
    _require_status(expense, PENDING, doing="approve")
    if ctx.author in expense["approvals"]:
        raise Conflict("you have already approved this expense", code="already_approved")
    approvals = [*expense["approvals"], ctx.author]
    required = current_policy(state)["approvals_required"]
    status = APPROVED if len(approvals) >= required else PENDING
    _move(state, ctx, {**expense, "approvals": approvals}, status)


def apply_rejection(state: State, ctx: Context, decision: Decision) -> None:
    """A treasurer rejects a pending or approved, unpaid expense (REJECTED)."""
    expense = _expense(state, decision.expense)
    require_permission(state, ctx, SPEND)
    _require_status(expense, PENDING, APPROVED, doing="reject")
    _move(state, ctx, {**expense, "reason": decision.reason}, REJECTED)


def apply_cancellation(state: State, ctx: Context, decision: Decision) -> None:
    """Its submitter withdraws an unpaid expense (CANCELED)."""
    expense = _expense(state, decision.expense)
    _require_submitter(expense, ctx, N_("only the expense's submitter may cancel it"))
    _require_status(expense, DRAFT, PENDING, APPROVED, doing="cancel")
    _move(state, ctx, {**expense, "reason": decision.reason}, CANCELED)


def apply_payment(state: State, ctx: Context, payment: Payment) -> None:
    """A treasurer pays an approved expense from its fund, at most the approved amount."""
    expense = _expense(state, payment.expense)
    require_permission(state, ctx, SPEND)
    _require_not_own(
        expense, ctx, N_("a treasurer may not pay an expense they submitted or are paid by")
    )
    if expense["status"] != APPROVED:
        raise Conflict(
            "expense %(id)s is %(status)s: only an APPROVED expense is paid",
            id=expense["id"],
            status=expense["status"],
            code="not_approved",
        )
    paid = expense["amount"] if payment.amount is None else payment.amount
    if paid > expense["amount"]:
        raise Conflict(
            "expense %(id)s was approved for %(amount)s minor units; %(paid)s is more",
            id=expense["id"],
            amount=expense["amount"],
            paid=paid,
            code="exceeds_approved",
        )
    target = EXTERNAL if payment.method == "external" else member_account(expense["payee"])
    if target != EXTERNAL:
        require_open(state, target)
    move(
        state,
        ctx,
        fund_account(expense["fund"]),
        target,
        paid,
        unit=expense["unit"],
        kind="expense",
        memo=expense["title"],
        evidence=payment.evidence,
        ref=expense["id"],
        line=expense["line"],
    )
    record = {
        "amount": paid,
        "method": payment.method,
        "evidence": payment.evidence,
        "by": ctx.author,
        "at": ctx.received,
        "entry": ctx.index,
    }
    _move(state, ctx, {**expense, "paid": record}, PAID)


def _expense(state: State, expense_id: int) -> dict[str, Any]:
    return existing(state, EXPENSES, expense_id, "expense")


def _require_submitter(expense: dict[str, Any], ctx: Context, refusal: str) -> None:
    if expense["submitter"] != ctx.author:
        raise NotPermitted(refusal, code="not_author")


def _require_not_own(expense: dict[str, Any], ctx: Context, refusal: str) -> None:
    if ctx.author in (expense["submitter"], expense["payee"]):
        raise NotPermitted(refusal, code="own_expense")


_NOT_NOW = {
    "submit": N_("expense %(id)s is %(status)s: you cannot submit it now (only when %(allowed)s)"),
    "approve": N_(
        "expense %(id)s is %(status)s: you cannot approve it now (only when %(allowed)s)"
    ),
    "reject": N_("expense %(id)s is %(status)s: you cannot reject it now (only when %(allowed)s)"),
    "cancel": N_("expense %(id)s is %(status)s: you cannot cancel it now (only when %(allowed)s)"),
}
"""What each move says when the expense is not where it may be made (``wrong_status``)."""


def _require_status(expense: dict[str, Any], *statuses: str, doing: str) -> None:
    """``wrong_status`` unless the expense is in one of ``statuses`` (``doing`` it then)."""
    if expense["status"] not in statuses:
        raise Conflict(
            _NOT_NOW[doing],
            id=expense["id"],
            status=expense["status"],
            allowed=" or ".join(statuses),
            code="wrong_status",
        )


def _move(state: State, ctx: Context, expense: dict[str, Any], status: str) -> None:
    history = [*expense["history"], _step(ctx, status)]
    state.put(EXPENSES, expense["id"], {**expense, "status": status, "history": history})


def _step(ctx: Context, status: str) -> dict[str, Any]:
    action = ctx.type.rsplit(".", 1)[-1]
    return {
        "action": action,
        "status": status,
        "by": ctx.author,
        "at": ctx.received,
        "index": ctx.index,
    }


def _items(value: Any) -> list[dict[str, Any]]:
    if not isinstance(value, list) or len(value) > MAX_ITEMS:
        raise InvalidBody(
            "items is a list of at most %(max_items)s {title, amount}", max_items=MAX_ITEMS
        )
    items = []
    for position, item in enumerate(value):
        if not isinstance(item, dict):
            raise InvalidBody("items[%(position)s] must be {title, amount}", position=position)
        only(item, {"title", "amount"}, where=f"items[{position}]")
        items.append(
            {"title": required_text(item, "title", max_length=200), "amount": amount(item)}
        )
    return items


def _budgeted(state: State, fund: str, unit: str, line: str) -> bool:
    return any(
        budget["fund"] == fund
        and budget["unit"] == unit
        and any(item["line"] == line for item in budget["lines"])
        for _key, budget in state.items(BUDGETS)
    )
