"""The federation's background work, one round every ``federation_sync_seconds``.

First the stewards' signed requests waiting (add a node by its address, call a
network vote: node/services/federation/requests.py). Then, for every node this one
recognises: ask it to cosign this node's latest checkpoint (if its terms say it
witnesses), bring the mirror of its log up to date (if they say mirror) and carry,
report and settle its network campaigns, take the fork evidence it holds, and — for
an alliance this node belongs to — open precincts and report subtotals and
population. Then count the network census when some node's census is new
(node/services/census_network.py), end the visits of visitors whose home node
revoked their credential, and log the waiting sync requests done. A peer that
cannot be reached is skipped until the next round; what failed is in the report.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from functools import partial
from typing import Any

from commonweal.core.http_signatures import MAX_AGE_SECONDS
from commonweal.node.kernel.errors import Rejected
from commonweal.node.services import census_network
from commonweal.node.services.federation import (
    alliance,
    census_people,
    evidence,
    mirror,
    moves,
    network_places,
    peers,
    pledges,
    requests,
    rollback,
    visitors,
    visits_abroad,
    witness,
)
from commonweal.node.services.federation.peer_client import PeerError
from commonweal.node.services.federation.service import Federation, log

ROLLBACK_RECHECK_SECONDS = 30.0
"""How often the witnesses and mirrors that did not answer the check at start are asked again."""


def sync_once(federation: Federation) -> dict[str, Any]:
    """One round with every recognised node; returns what happened, peer by peer."""
    with federation.sync_lock:
        report: dict[str, Any] = {"peers": {}}
        asked = requests.waiting_syncs(federation)
        try:
            report["requests"] = requests.carry_out(federation)
        except Exception as error:  # the next round tries again
            log.exception("carrying out stewards' requests failed")
            report.setdefault("errors", []).append(f"requests: {error!r}")
        for peer in federation.recognitions():
            entry: dict[str, Any] = {"url": peer["url"]}
            terms = peer["terms"]
            steps: list[tuple[str, Callable[[], Any]]] = []
            if terms["witness"] and peer["witness"]:
                steps.append(("cosigned", partial(witness.request_cosignatures, federation, peer)))
            if terms["mirror"]:
                steps.append(("mirror", partial(_mirror, federation, peer)))
                steps.append(("treaty", partial(peers.refresh_treaty, federation, peer)))
                steps.append(("campaigns", partial(pledges.duties, federation, peer)))
            steps.append(("evidence", partial(evidence.pull, federation, peer)))
            steps.append(("moves", partial(moves.deliver, federation, peer)))
            steps.append(("places", partial(network_places.refresh, federation, peer)))
            if terms["alliance"]:
                steps.append(("alliance", partial(alliance.duties, federation, peer)))
                steps.append(("census people", partial(census_people.commit, federation, peer)))
            for name, step in steps:
                try:
                    entry[name] = step()
                except (PeerError, mirror.MirrorRefused, Rejected) as error:
                    entry[name] = None
                    entry.setdefault("errors", []).append(f"{name}: {error}")
                except Exception as error:  # one peer's failure must not stop the others
                    _log_once(federation, (peer["node"], name), error)
                    entry.setdefault("errors", []).append(f"{name}: {error!r}")
            report["peers"][peer["node"]] = entry
        try:
            report["still_reading"] = len(visits_abroad.scan(federation))
        except Exception as error:  # the next round reads on
            log.exception("reading the mirrors for our members' visits failed")
            report.setdefault("errors", []).append(f"visits: {error!r}")
        try:
            counted = census_network.run_due(federation)
            report["network_census"] = counted.index if counted is not None else None
        except Exception as error:  # the next round counts again
            log.exception("the network census failed")
            report.setdefault("errors", []).append(f"network census: {error!r}")
        federation.store.prune_nonces(int(federation.now().timestamp()) - 2 * MAX_AGE_SECONDS)
        try:
            report["departed"] = len(visitors.revoke_departed(federation))
        except Exception as error:
            log.exception("checking visitors' credentials failed")
            report["departed"] = 0
            report.setdefault("errors", []).append(f"visitors: {error!r}")
        try:
            requests.finish_syncs(federation, asked, report)
        except Exception as error:
            log.exception("logging the sync requests done failed")
            report.setdefault("errors", []).append(f"sync requests: {error!r}")
        return report


def _log_once(federation: Federation, where: tuple[str, str], error: Exception) -> None:
    """Log an unexpected failure with its traceback once, not every round it repeats."""
    if federation.sync_errors.get(where) != repr(error):
        federation.sync_errors[where] = repr(error)
        log.error("federation sync with %s failed at %s", *where, exc_info=error)


def _mirror(federation: Federation, peer: dict[str, Any]) -> int:
    return mirror.sync(federation, peer).after


class SyncWorker:
    """Runs :func:`sync_once` in a thread until stopped."""

    def __init__(self, federation: Federation) -> None:
        self.federation = federation
        self.stop_event = threading.Event()
        self.thread = threading.Thread(target=self._run, name="federation-sync", daemon=True)

    def start(self) -> None:
        self.thread.start()

    def stop(self) -> None:
        self.stop_event.set()
        self.thread.join(timeout=15)

    def _run(self) -> None:
        interval = max(self.federation.node.config.federation_sync_seconds, 0.05)
        unsure_since = time.monotonic()
        while not self.stop_event.wait(interval):
            status = self.federation.rollback
            unsure = status is not None and bool(status.unreachable)  # some did not answer
            if unsure and time.monotonic() - unsure_since > ROLLBACK_RECHECK_SECONDS:
                unsure_since = time.monotonic()
                try:
                    rollback.check(self.federation)
                except Exception:  # the next recheck retries
                    log.exception("the rollback check failed")
            if not self.federation.recognitions() and not requests.pending(self.federation):
                continue
            try:
                sync_once(self.federation)
            except Exception:  # the next round retries
                log.exception("federation sync round failed")
