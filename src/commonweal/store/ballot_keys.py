"""The node's secret-ballot keys: private node data, never in the log.

One row per secret proposal: the RSA private key that blind-signs its tokens (PEM,
PKCS#8) and the node's teller secret (a ristretto255 scalar, base64url). Neither
names a voter: the token requests that link members to blinded messages are public
events, and the blinding makes them unlinkable to ballots (docs/secret-ballots.md).
"""

from __future__ import annotations

from sqlalchemy import select

from commonweal.store.log_store import LogStore
from commonweal.store.rows import first_row, insert_once
from commonweal.store.schema import private_ballot_keys


class BallotKeyStore:
    """The ``private_ballot_keys`` table of one node's database."""

    def __init__(self, store: LogStore) -> None:
        self.engine = store.engine

    def put(self, proposal: int, token_key: str, teller_secret: str) -> None:
        """Keep a proposal's keys (the first kept wins: keys never change once logged)."""
        with self.engine.begin() as conn:
            insert_once(
                conn,
                private_ballot_keys,
                ("proposal",),
                proposal=proposal,
                token_key=token_key,
                teller_secret=teller_secret,
            )

    def get(self, proposal: int) -> tuple[str, str] | None:
        """(token key PEM, teller secret) of ``proposal``, if this node made them."""
        return first_row(
            self.engine,
            select(private_ballot_keys.c.token_key, private_ballot_keys.c.teller_secret).where(
                private_ballot_keys.c.proposal == proposal
            ),
            lambda row: (row.token_key, row.teller_secret),
        )
