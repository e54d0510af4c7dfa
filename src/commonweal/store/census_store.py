"""Whom each census counted, with their salts: private node data, never in the log.

One row per census: a member's proof needs every leaf of the tree anyway, so the whole
list is written and read at once (a JSON object, DID → salt).
"""

from __future__ import annotations

from collections.abc import Sequence

import orjson
from sqlalchemy import delete, insert, select

from commonweal.store.log_store import LogStore
from commonweal.store.schema import census_members, census_people


class CensusStore:
    """The ``census_members`` table of one node's database."""

    def __init__(self, store: LogStore) -> None:
        self.engine = store.engine

    def replace(self, epoch: int, counted: Sequence[tuple[str, str]]) -> None:
        """Keep ``(did, salt)`` for every member ``epoch`` counts (replacing an earlier try)."""
        document = orjson.dumps(dict(counted)).decode()
        with self.engine.begin() as conn:
            conn.execute(delete(census_members).where(census_members.c.epoch == epoch))
            conn.execute(insert(census_members).values(epoch=epoch, counted=document))

    def counted(self, epoch: int) -> dict[str, str]:
        """DID → salt of every member ``epoch`` counted (empty if the node kept none)."""
        with self.engine.connect() as conn:
            document = conn.execute(
                select(census_members.c.counted).where(census_members.c.epoch == epoch)
            ).scalar_one_or_none()
        if document is None:
            return {}
        counted: dict[str, str] = orjson.loads(document)
        return counted

    def keep_people(self, epoch: int, period: str, nullifiers: Sequence[str]) -> None:
        """Keep ``epoch``'s sorted nullifiers under ``period``'s key (replacing an earlier try)."""
        document = orjson.dumps(sorted(nullifiers)).decode()
        with self.engine.begin() as conn:
            conn.execute(delete(census_people).where(census_people.c.epoch == epoch))
            conn.execute(
                insert(census_people).values(epoch=epoch, period=period, nullifiers=document)
            )

    def people(self, epoch: int) -> tuple[str, list[str]] | None:
        """``(period, sorted nullifiers)`` of census ``epoch``, or None if none is kept."""
        with self.engine.connect() as conn:
            row = conn.execute(
                select(census_people.c.period, census_people.c.nullifiers).where(
                    census_people.c.epoch == epoch
                )
            ).one_or_none()
        if row is None:
            return None
        nullifiers: list[str] = orjson.loads(row.nullifiers)
        return str(row.period), nullifiers
