"""Whom each census counted, with their salts: private node data, never in the log."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import delete, insert, select

from commonweal.store.log_store import LogStore
from commonweal.store.schema import census_members

BATCH = 5000


class CensusStore:
    """The ``census_members`` table of one node's database."""

    def __init__(self, store: LogStore) -> None:
        self.engine = store.engine

    def replace(self, epoch: int, counted: Sequence[tuple[str, str]]) -> None:
        """Keep ``(did, salt)`` for every member ``epoch`` counts (replacing an earlier try)."""
        with self.engine.begin() as conn:
            conn.execute(delete(census_members).where(census_members.c.epoch == epoch))
            for start in range(0, len(counted), BATCH):
                conn.execute(
                    insert(census_members),
                    [
                        {"epoch": epoch, "did": did, "salt": salt}
                        for did, salt in counted[start : start + BATCH]
                    ],
                )

    def counted(self, epoch: int) -> dict[str, str]:
        """DID → salt of every member ``epoch`` counted (empty if the node kept none)."""
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(census_members.c.did, census_members.c.salt).where(
                    census_members.c.epoch == epoch
                )
            )
            return {did: salt for did, salt in rows}
