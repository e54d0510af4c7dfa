"""The real ``commonweal commons`` and ``commonweal gathering`` commands against a live node."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest

from commonweal.core.did import did_key_from_public_key
from commonweal.core.keys import SigningKey
from commonweal.domain.timestamps import utc_stamp
from commonweal.node.kernel.setup import init_node, write_key_file
from tests.cli.test_cli import run
from tests.mutual import open_node_books
from tests.server import ServerProcess


def soon(**delta: float) -> str:
    return utc_stamp(datetime.now(UTC) + timedelta(**delta))


@pytest.mark.slow
def test_commons_and_gatherings_from_the_command_line(tmp_path: Path) -> None:
    keys = {name: SigningKey.generate() for name in ("ada", "ben")}
    files = {name: tmp_path / f"{name}.key" for name in keys}
    for name, key in keys.items():
        write_key_file(files[name], key, None)
    did = {name: did_key_from_public_key(key.public_key) for name, key in keys.items()}
    node = init_node(tmp_path / "node", name="CLI Commons", founders=list(did.values()))
    open_node_books(node, {did["ben"]: 5_000})  # EUR declared; ben pays in for his deposit
    node.close()
    server = ServerProcess(tmp_path / "node").start()

    def cli(*args: str, who: str | None = None):  # type: ignore[no-untyped-def]
        signer = ("--key", str(files[who])) if who else ()
        return run(*args, "--node", server.url, *signer)

    try:
        registered = cli(
            "commons", "register", "--title", "Workshop room", "--kind", "room",
            "--steward", did["ada"], "--deposit", "1000:EUR", who="ada",
        )  # fmt: skip
        assert registered.returncode == 0, registered.stderr
        room = registered.stdout.split("Resource ")[1].split(" ")[0]
        booked = cli("commons", "book", room, "--start", soon(hours=2), "--hours", "2", who="ben")
        assert booked.returncode == 0, booked.stderr
        booking = booked.stdout.split("Booking ")[1].split(":")[0]
        clash = cli("commons", "book", room, "--start", soon(hours=3), "--hours", "1", who="ada")
        assert clash.returncode == 1 and "overlap" in clash.stderr
        assert "Workshop room" in cli("commons", "list").stdout
        shown = cli("commons", "show", room)
        assert "first come, first served" in shown.stdout and booking in shown.stdout
        assert "Deposit: 10.00 EUR." in shown.stdout  # as the treasury's commands write amounts
        french = run(
            "commons", "show", room, "--node", server.url,
            env={"LANG": "fr_FR.UTF-8", "LC_ALL": "", "LC_MESSAGES": ""},
        )  # fmt: skip
        assert "Réservé selon l’ordre d’arrivée." in french.stdout, french.stderr
        assert "Caution : 10.00 EUR." in french.stdout and booking in french.stdout
        paid = cli("commons", "deposit", "received", booking, who="ada")
        assert paid.returncode == 0, paid.stderr
        assert "deposit 10.00 EUR held" in cli("commons", "bookings", "--member", did["ben"]).stdout
        breach = cli("commons", "breach", room, did["ben"], "--rule", "Tidy up", who="ada")
        assert breach.returncode == 0, breach.stderr
        assert "warning" in cli("commons", "sanctions").stdout
        assert "may use" in cli("commons", "standing", did["ben"]).stdout

        scheduled = cli(
            "gathering", "schedule", "--title", "Repair café", "--starts", soon(minutes=30),
            "--ends", soon(hours=3), "--code", "AAAA-BBBB-CCCC", who="ada",
        )  # fmt: skip
        assert scheduled.returncode == 0, scheduled.stderr
        gathering = scheduled.stdout.split("Gathering ")[1].split(" ")[0]
        assert cli("gathering", "rsvp", gathering, "yes", who="ben").returncode == 0
        claimed = cli("gathering", "claim", gathering, "--code", "aaaa bbbb cccc", who="ben")
        assert claimed.returncode == 0, claimed.stderr
        early = cli("gathering", "reveal", gathering, "--code", "AAAA-BBBB-CCCC", who="ada")
        assert early.returncode == 1 and "too_early" in early.stderr
        checked = cli("gathering", "checkin", gathering, did["ben"], who="ada")
        assert checked.returncode == 0, checked.stderr
        assert "Repair café" in cli("gathering", "list").stdout
        assert "confirmed" in cli("gathering", "show", gathering).stdout
        owed = httpx.get(f"{server.url}/v1/members/{did['ben']}/credentials").json()
        assert any("AttendanceCredential" in c["type"] for c in owed["credentials"])
    finally:
        server.stop()
