"""Pages for the treasury: what the node holds, the ledger, expenses from draft to paid,
a member's own transfer and a treasurer's income. Every action is an event signed in
the browser (``static/js/money.js``); these routes only read and render."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from commonweal.core.language import _
from commonweal.domain.treasury.records import SPEND
from commonweal.node.kernel.errors import Rejected
from commonweal.node.kernel.service import Node
from commonweal.node.read_models import treasury as treasury_views
from commonweal.node.read_models import treasury_expenses as expense_views
from commonweal.node.read_models import treasury_history
from commonweal.web.money_rendering import budget_chart
from commonweal.web.paging import CURSOR, decode_cursor, encode_cursor, limit_query, next_url
from commonweal.web.rendering import (
    page_router,
    render,
    signed_in,
    speaking_to_reader,
    viewer,
    viewer_page,
)
from commonweal.web.treasury_charts import month_label, over_time


def router(node: Node) -> APIRouter:
    """Treasury pages over ``node``."""
    pages = page_router()

    @pages.get("/treasury", response_class=HTMLResponse)
    def treasury(request: Request) -> HTMLResponse:
        me = viewer(request, node)
        with speaking_to_reader(request, node, me):
            page = treasury_views.overview_page(node, me["did"] if me and me["status"] else None)
            charts = [budget_chart(b, page["unit_records"]) for b in page["budgets"]]
            histories = {}
            for unit in page["units"]:
                rows = treasury_history.monthly(node, unit["code"])
                title = _("The treasury's %(unit)s over time", unit=unit["code"])
                histories[unit["code"]] = {
                    "rows": rows,
                    "labels": [month_label(r["month"]) for r in rows],
                    "chart": over_time(title, rows, unit["exponent"]) if rows else None,
                }
        return render(
            request,
            node,
            "treasury.html",
            {
                **page,
                "charts": charts,
                "histories": histories,
                "status_words": treasury_views.STATUS_WORDS,
            },
            me=me,
        )

    @pages.get("/treasury/ledger", response_class=HTMLResponse)
    def ledger(
        request: Request,
        unit: str | None = None,
        account: str | None = None,
        cursor: str | None = CURSOR,
        limit: int = limit_query(treasury_views.LEDGER_PAGE, treasury_views.MAX_LEDGER_PAGE),
    ) -> HTMLResponse:
        before = int(decode_cursor(cursor, (int,))[0]) if cursor is not None else None
        with speaking_to_reader(request, node, viewer(request, node)):
            page = treasury_views.ledger_page(
                node, unit=unit or None, account=account or None, before=before, limit=limit
            )
        older = page.pop("older")
        page["next_page"] = next_url(request, encode_cursor([older])) if older is not None else None
        page["first_page"] = cursor is not None
        return render(request, node, "treasury-ledger.html", page)

    @pages.get("/treasury/expenses", response_class=HTMLResponse)
    def expenses(
        request: Request, status: str | None = None, fund: str | None = None
    ) -> HTMLResponse:
        page = expense_views.expenses_page(node, status=status or None, fund=fund or None)
        return render(
            request,
            node,
            "treasury-expenses.html",
            {**page, "status_words": treasury_views.STATUS_WORDS},
        )

    @pages.get("/treasury/expenses/new", response_class=HTMLResponse)
    def new_expense(request: Request) -> HTMLResponse:
        me = signed_in(request, node, "claim an expense")
        return render(
            request, node, "treasury-expense-new.html", expense_views.expense_form(node), me=me
        )

    viewer_page(
        pages,
        node,
        "/treasury/expenses/{expense_id}",
        "expense",
        "treasury-expense.html",
        expense_views.expense_page,
    )

    @pages.get("/treasury/transfer", response_class=HTMLResponse)
    def transfer(request: Request) -> HTMLResponse:
        me = signed_in(request, node, "send money from your account")
        with speaking_to_reader(request, node, me):
            page = treasury_views.transfer_form(node, me["did"])
        return render(request, node, "treasury-transfer.html", page, me=me)

    @pages.get("/treasury/income", response_class=HTMLResponse)
    def income(request: Request) -> HTMLResponse:
        me = signed_in(request, node, "record income")
        if SPEND not in me["permissions"]:
            with speaking_to_reader(request, node, me):
                said = _(
                    "income is recorded by treasurers (the treasury.spend permission), "
                    "so this form is not for you"
                )
            raise Rejected("forbidden", said)
        return render(
            request, node, "treasury-income.html", treasury_views.income_form(node), me=me
        )

    return pages
