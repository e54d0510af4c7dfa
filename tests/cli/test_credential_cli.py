"""Community credentials from the command line, against a real server: the kinds, issuing
as a steward and with a scoped issuer token, requesting and endorsing, revoking, a passport,
and the credential checked offline afterwards."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest

from commonweal.core.did import did_key_from_public_key
from commonweal.core.keys import SigningKey
from commonweal.node.kernel.setup import init_node, write_key_file
from tests.cli.test_cli import run
from tests.credential_kinds import constitution_with_kinds
from tests.server import ServerProcess


@pytest.mark.slow
def test_community_credentials_from_the_command_line(tmp_path: Path) -> None:
    keys = {name: SigningKey.generate() for name in ("ada", "ben", "cy", "dee")}
    files = {name: tmp_path / f"{name}.key" for name in keys}
    for name, key in keys.items():
        write_key_file(files[name], key, None)
    did = {name: did_key_from_public_key(key.public_key) for name, key in keys.items()}
    data = tmp_path / "node"
    founders = [did["ada"], did["ben"], did["cy"]]
    init_node(
        data,
        name="CLI Guild",
        founders=founders,
        constitution=constitution_with_kinds(),
        admission={"admission": "open"},
    ).close()
    server = ServerProcess(data).start()

    def cli(*args: str, who: str | None = None):  # type: ignore[no-untyped-def]
        signer = ("--key", str(files[who])) if who else ()
        return run("credential", *args, "--node", server.url, *signer)

    try:
        listed = cli("kinds")
        assert listed.returncode == 0, listed.stderr
        assert "course (CourseCredential v1)" in listed.stdout
        assert "2 endorsements" in listed.stdout and "passport" in listed.stdout

        out = tmp_path / "course.json"
        issued = cli(
            "issue",
            "course",
            did["ben"],
            "--claims",
            '{"course": "Sails", "hours": 8}',
            "--out",
            str(out),
            who="ada",
        )
        assert issued.returncode == 0, issued.stderr
        course = json.loads(out.read_text())
        assert course["credentialSubject"] == {"id": did["ben"], "course": "Sails", "hours": 8}

        refused = cli("issue", "course", did["ben"], "--claims", '{"course": "Sails"}', who="ada")
        assert refused.returncode == 1 and "hours" in refused.stdout + refused.stderr

        token = run("issuer-token", "--data-dir", str(data), "--kind", "skill")
        assert token.returncode == 0, token.stderr
        scoped = token.stdout.strip()
        wrong = cli(
            "issue",
            "course",
            did["ben"],
            "--claims",
            '{"course": "X", "hours": 1}',
            "--token",
            scoped,
        )
        assert wrong.returncode == 1 and "skill" in wrong.stdout + wrong.stderr
        right = cli(
            "issue", "skill", did["cy"], "--claims", '{"skill": "knots"}', "--token", scoped
        )
        assert right.returncode == 0, right.stderr

        requested = cli("request", "skill", "--claims", '{"skill": "navigation"}', who="ben")
        assert requested.returncode == 0, requested.stderr
        number = requested.stdout.split("request ")[1].split(" ")[0]
        assert number in cli("requests").stdout
        for endorser in ("ada", "cy"):
            endorsed = cli("endorse", number, who=endorser)
            assert endorsed.returncode == 0, endorsed.stderr
        held = httpx.get(f"{server.url}/v1/members/{did['ben']}/credentials").json()["credentials"]
        assert any(c["credentialSubject"].get("skill") == "navigation" for c in held)

        passport = tmp_path / "passport.json"
        taken = cli("passport", "--out", str(passport), who="dee")
        assert taken.returncode == 1  # dee is no member: no passport
        taken = cli("passport", "--out", str(passport), who="ben")
        assert taken.returncode == 0, taken.stderr
        assert json.loads(passport.read_text())["type"][1] == "PassportCredential"

        index = course["credentialStatus"]["statusListIndex"]
        assert cli("revoke", index, "--reason", "wrong boat", who="ada").returncode == 0
        status = tmp_path / "status.json"
        status.write_text(httpx.get(f"{server.url}/credentials/status/1").text)
        offline = run(
            "credential",
            "verify",
            str(out),
            "--status-list",
            str(status),
            "--trust",
            course["issuer"],
        )
        assert offline.returncode == 1 and "revoked" in offline.stdout
        still = run(
            "credential",
            "verify",
            str(passport),
            "--status-list",
            str(status),
            "--trust",
            course["issuer"],
        )
        assert still.returncode == 0, still.stdout
    finally:
        server.stop()
