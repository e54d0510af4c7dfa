"""The claims of community credentials: private node data, never in the log.

A ``credentials.issued`` or ``credentials.requested`` event carries a salted commitment
(``core.commitment``) to the claims; the claims and their salt live only here, so the
node can rebuild and sign the credential, and erase the claims without breaking the log.
"""

from __future__ import annotations

from collections.abc import Iterable

import orjson
from sqlalchemy import delete, select

from commonweal.store.log_store import LogStore
from commonweal.store.rows import first_row, insert_once
from commonweal.store.schema import private_credential_claims


class ClaimStore:
    """The ``private_credential_claims`` table of one node's database."""

    def __init__(self, store: LogStore) -> None:
        self.store = store
        self.engine = store.engine

    def put(self, commitment: str, salt: str, claims: dict[str, object]) -> None:
        """Keep claims under their commitment (idempotent for the same commitment)."""
        with self.engine.begin() as conn:
            insert_once(
                conn,
                private_credential_claims,
                ("commitment",),
                commitment=commitment,
                salt=salt,
                claims=orjson.dumps(claims).decode(),
            )

    def claims(self, commitment: str) -> dict[str, object] | None:
        """The claims kept under ``commitment``, unless erased or never kept."""
        table = private_credential_claims
        found: dict[str, object] | None = first_row(
            self.engine,
            select(table.c.claims).where(table.c.commitment == commitment),
            lambda row: orjson.loads(row.claims),
        )
        return found

    def erase(self, commitments: Iterable[str]) -> int:
        """Delete claims, bytes and all (as profiles are erased)."""
        wanted = sorted(set(commitments))
        if not wanted:
            return 0
        table = private_credential_claims
        with self.engine.begin() as conn:
            deleted = conn.execute(delete(table).where(table.c.commitment.in_(wanted))).rowcount
        self.store.scrub(table)
        return int(deleted or 0)
