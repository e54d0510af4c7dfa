"""What request ids, /metrics and structured logs cost: single-event HTTP throughput of
``commonweal serve`` with them (its defaults) and with ``--no-observability``, in the
same run. Runs alternate between the two, so a change in the machine's load over the
run weighs on both alike; each side's figure is its best run.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from bench.http_load import run_http_load

TARGET_PERCENT = 5.0
"""Observability may cost at most this share of single-event throughput."""


@dataclass(frozen=True)
class Costs:
    """Events per second, without and with observability (and with an access log too)."""

    without: float
    with_observability: float
    with_access_log: float

    @property
    def percent(self) -> float:
        """The throughput observability costs, as a percentage of the bare rate."""
        return 100 * (self.without - self.with_observability) / self.without


def measure(workdir: Path, events: int, *, rounds: int = 2) -> Costs:
    """Alternate runs without and with observability; keep each side's best rate."""
    without: list[float] = []
    observed: list[float] = []
    for n in range(rounds):
        without.append(
            run_http_load(
                workdir / f"bare-{n}",
                events,
                batch=1,
                serve_args=["--no-rate-limit", "--no-observability"],
            )
        )
        observed.append(run_http_load(workdir / f"observed-{n}", events, batch=1))
    access = run_http_load(
        workdir / "access-log", events, batch=1, serve_args=["--no-rate-limit", "--access-log"]
    )
    return Costs(max(without), max(observed), access)
