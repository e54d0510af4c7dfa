"""The treasury and mutual credit over HTTP (reads; every change is a signed event).

Incomes, transfers, expenses and their approvals and payments, obligations and
clearings are ordinary signed events for ``POST /v1/events``; the node logs
decided transfers and demurrage itself.
"""

from __future__ import annotations

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response, StreamingResponse
from starlette.concurrency import iterate_in_threadpool

from commonweal.node.kernel.service import Node
from commonweal.node.services import credit, treasury
from commonweal.web.api import json_response, read_route
from commonweal.web.bounds import MAX_INTEGER
from commonweal.web.paging import CURSOR, decode_cursor, limit_query, paged


def router(node: Node) -> APIRouter:
    """Treasury routes (``/v1/treasury/…``) and credit routes (``/v1/credit/…``) over ``node``."""
    api = APIRouter(prefix="/v1")

    @api.get("/treasury")
    def overview() -> Response:
        return json_response(treasury.overview(node))

    @api.get("/treasury/accounts")
    def accounts(unit: str | None = Query(None)) -> Response:
        return json_response({"accounts": treasury.accounts(node, unit)})

    read_route(api, node, "/treasury/balances/{account}", "balances", treasury.account, kind=str)

    @api.get("/treasury/ledger")
    def ledger(
        request: Request,
        unit: str | None = Query(None),
        account: str | None = Query(None),
        cursor: str | None = CURSOR,
        after: int | None = Query(
            None, ge=-1, le=MAX_INTEGER, description="An entry id to start after (or `cursor`)."
        ),
        limit: int = limit_query(100, treasury.MAX_PAGE),
    ) -> Response:
        """A page of ledger entries in log order; ``next`` names the following page."""
        if cursor is not None:
            after = int(decode_cursor(cursor, (int,))[0])
        page = treasury.ledger(node, unit=unit, account=account, after=after, limit=limit)
        position = None if page["next"] is None else (page["next"],)
        return paged(request, "entries", page["entries"], position)

    @api.get("/treasury/export.json")
    def export_json(unit: str | None = Query(None)) -> Response:
        return StreamingResponse(
            iterate_in_threadpool(treasury.export_json(node, unit=unit)),
            media_type="application/json",
            headers={"Content-Disposition": 'attachment; filename="ledger.json"'},
        )

    @api.get("/treasury/export.csv")
    def export_csv(unit: str | None = Query(None)) -> Response:
        return StreamingResponse(
            iterate_in_threadpool(treasury.export_csv(node, unit=unit)),
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": 'attachment; filename="ledger.csv"'},
        )

    @api.get("/treasury/expenses")
    def expenses(status: str | None = Query(None), fund: str | None = Query(None)) -> Response:
        return json_response({"expenses": treasury.expenses(node, status=status, fund=fund)})

    read_route(api, node, "/treasury/expenses/{expense_id}", "expense", treasury.expense)

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

    read_route(api, node, "/credit/{unit}/positions", "positions", credit.positions, kind=str)
    read_route(
        api, node, "/credit/{unit}/clearing", "clearing_preview", credit.clearing_preview, kind=str
    )

    return api
