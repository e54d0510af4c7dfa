"""The treasury and mutual credit over HTTP (reads; every change is a signed event).

Incomes, transfers, expenses and their approvals and payments, obligations and
clearings are ordinary signed events for ``POST /v1/events``; the node logs
decided transfers and demurrage itself.
"""

from __future__ import annotations

from fastapi import APIRouter, Query
from fastapi.responses import Response

from commonweal.node.kernel.service import Node
from commonweal.node.services import credit, treasury
from commonweal.web.api import json_response
from commonweal.web.bounds import MAX_INTEGER, Id


def router(node: Node) -> APIRouter:
    """Treasury routes (``/v1/treasury/…``) and credit routes (``/v1/credit/…``) over ``node``."""
    api = APIRouter(prefix="/v1")

    @api.get("/treasury")
    def overview() -> Response:
        return json_response(treasury.overview(node))

    @api.get("/treasury/accounts")
    def accounts(unit: str | None = Query(None)) -> Response:
        return json_response({"accounts": treasury.accounts(node, unit)})

    @api.get("/treasury/balances/{account}")
    def balances(account: str) -> Response:
        return json_response(treasury.account(node, account))

    @api.get("/treasury/ledger")
    def ledger(
        unit: str | None = Query(None),
        account: str | None = Query(None),
        after: int | None = Query(None, ge=-1, le=MAX_INTEGER),
        limit: int = Query(100, ge=1, le=treasury.MAX_PAGE),
    ) -> Response:
        page = treasury.ledger(node, unit=unit, account=account, after=after, limit=limit)
        return json_response(page)

    @api.get("/treasury/export.json")
    def export_json(unit: str | None = Query(None)) -> Response:
        return json_response(treasury.export_json(node, unit=unit))

    @api.get("/treasury/export.csv")
    def export_csv(unit: str | None = Query(None)) -> Response:
        return Response(
            treasury.export_csv(node, unit=unit),
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": 'attachment; filename="ledger.csv"'},
        )

    @api.get("/treasury/expenses")
    def expenses(status: str | None = Query(None), fund: str | None = Query(None)) -> Response:
        return json_response({"expenses": treasury.expenses(node, status=status, fund=fund)})

    @api.get("/treasury/expenses/{expense_id}")
    def expense(expense_id: Id) -> Response:
        return json_response(treasury.expense(node, expense_id))

    @api.get("/treasury/budgets")
    def budgets() -> Response:
        return json_response({"budgets": treasury.budgets(node)})

    @api.get("/treasury/budgets/{fund}/{name}")
    def budget(fund: str, name: str) -> Response:
        return json_response(treasury.budget(node, fund, name))

    @api.get("/credit")
    def policies() -> Response:
        return json_response({"units": credit.policies(node)})

    @api.get("/credit/obligations")
    def obligations(unit: str | None = Query(None), status: str | None = Query(None)) -> Response:
        return json_response({"obligations": credit.obligations(node, unit=unit, status=status)})

    @api.get("/credit/clearings")
    def clearings(unit: str | None = Query(None)) -> Response:
        return json_response({"clearings": credit.clearings(node, unit=unit)})

    @api.get("/credit/{unit}/positions")
    def positions(unit: str) -> Response:
        return json_response(credit.positions(node, unit))

    @api.get("/credit/{unit}/clearing")
    def clearing_preview(unit: str) -> Response:
        return json_response(credit.clearing_preview(node, unit))

    return api
