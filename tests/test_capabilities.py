"""The capability seam: the program is assembled from one list, and a capability written in
its own folder joins the app, the CLI, the scheduler and the node by one line in that list."""

from __future__ import annotations

import importlib
import sys
from pathlib import Path
from textwrap import dedent

import orjson
import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from commonweal.capabilities import CAPABILITIES, PROGRAM, assemble
from commonweal.capability import Capability
from commonweal.cli.main import command
from commonweal.domain.catalog import default_registry
from commonweal.node.kernel.scheduler import Scheduler
from commonweal.node.kernel.setup import init_node
from commonweal.node.kernel.verify import verify_log
from commonweal.web.app import create_app
from tests.builders import WITHOUT_WRITE_POLICY, EventFactory
from tests.conftest import Clock

# A whole capability, in its own folder: a rule, an API route, a page with a link, a
# command, a scheduled job, and its declaration. Nothing else in the repository changes.
KUDOS = {
    "__init__.py": '"""Kudos: a member thanks another, in public."""\n',
    "rules.py": """
        from commonweal.domain.errors import NotPermitted
        from commonweal.domain.fields import required_text
        from commonweal.domain.registry import EventType

        RECEIVED = "kudos.received"


        class ToSelf(NotPermitted):
            code = "kudos_to_self"


        def parse(body):
            return {"to": required_text(body, "to", max_length=200)}


        def apply(state, ctx, body):
            if body["to"] == ctx.author:
                raise ToSelf("kudos go to someone else")
            state.put(RECEIVED, body["to"], state.get(RECEIVED, body["to"], 0) + 1)


        EVENT_TYPES = (EventType("kudos.given", "A member thanks another.", parse, apply),)
    """,
    "service.py": """
        from commonweal.kudos_folder.rules import RECEIVED

        TICKS = []


        def received(node, did):
            with node.reading() as state:
                return state.get(RECEIVED, did, 0)


        def run_due(node, *, refusals=None):
            TICKS.append(node.size)
    """,
    "api.py": """
        from fastapi import APIRouter

        from commonweal.kudos_folder.service import received


        def router(parts):
            api = APIRouter()

            @api.get("/v1/kudos/{did}")
            def kudos(did: str):
                return {"did": did, "received": received(parts.node, did)}

            return api
    """,
    "pages.py": """
        from fastapi.responses import HTMLResponse

        from commonweal.web.rendering import page_router


        def router(parts):
            pages = page_router()

            @pages.get("/kudos", response_class=HTMLResponse)
            def kudos():
                return HTMLResponse("<h1>Kudos, given in public</h1>")

            return pages
    """,
    "cli.py": '''
        import typer


        def add(app):
            @app.command("kudos")
            def kudos(to: str) -> None:
                """Thank another member, in public."""
                typer.echo(f"kudos to {to}")
    ''',
    "capability.py": """
        from commonweal.capability import Capability, DueWork, NavEntry
        from commonweal.kudos_folder import api, cli, pages, rules, service

        KUDOS = Capability(
            name="kudos",
            event_types=lambda: rules.EVENT_TYPES,
            status_by_code={"kudos_to_self": 409},
            api=(api.router,),
            pages=(pages.router,),
            navigation=(NavEntry(75, "Kudos", "/kudos"),),
            cli=cli.add,
            due_work=(DueWork("kudos", service.run_due),),
        )
    """,
}


@pytest.fixture
def kudos(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Capability:
    """The kudos capability, written to a folder of its own and imported from there."""
    folder = tmp_path / "kudos_folder"
    folder.mkdir()
    for name, text in KUDOS.items():
        (folder / name).write_text(dedent(text).lstrip())
    import commonweal

    monkeypatch.setattr(commonweal, "__path__", [*commonweal.__path__, str(tmp_path)])
    yield importlib.import_module("commonweal.kudos_folder.capability").KUDOS
    for module in [m for m in sys.modules if m.startswith("commonweal.kudos_folder")]:
        del sys.modules[module]


def test_the_list_assembles_what_the_program_had_before() -> None:
    """The registry holds the domain's catalogue (what code below the assembly opens a node
    with), in its order; the navigation, the credentials and the demo keep theirs."""
    built_in = list(default_registry().types)
    assert list(PROGRAM.registry().types)[: len(built_in)] == built_in
    assert [link.label for link in PROGRAM.navigation()] == [
        "Home", "Members", "Proposals", "Mutual aid", "Campaigns", "Funding", "Commons",
        "Gatherings", "Places", "Delegation", "My credentials", "Community credentials",
        "Treasury", "Mutual credit",
        "Verify", "Log", "Network", "Census", "Stewards",
    ]  # fmt: skip
    assert PROGRAM.credential_kinds() == (
        "MembershipCredential",
        "RoleCredential",
        "AttendanceCredential",
    )
    assert sorted(PROGRAM.contexts()) == ["/contexts/attendance/v1", "/contexts/membership/v1"]
    assert [getattr(chapter.tell, "module", None) for chapter in PROGRAM.demo_chapters()] == [
        "commonweal.demo.census",
        "commonweal.demo.treasury",
        "commonweal.demo.census",
        "commonweal.demo.commons",
        "commonweal.demo.census",
        "commonweal.demo.funding",
        "commonweal.demo.places",
        "commonweal.demo.governance",
        "commonweal.demo.funding",
        "commonweal.demo.commons",
        "commonweal.demo.census",
    ]


def test_a_capability_listed_twice_is_refused() -> None:
    with pytest.raises(ValueError, match="listed twice: aid"):
        assemble((*CAPABILITIES, next(c for c in CAPABILITIES if c.name == "aid")))


def test_a_capability_in_its_own_folder_joins_by_one_line(
    kudos: Capability, tmp_path: Path, clock: Clock
) -> None:
    program = assemble((*CAPABILITIES, kudos))  # the one line
    node = init_node(
        tmp_path / "node",
        name="Kudos Commons",
        clock=clock,
        constitution=WITHOUT_WRITE_POLICY,
        registry=program.registry(),
    )
    events = EventFactory(node.identity.did, clock)
    thanks = {"to": events.did("bruno")}

    def give(author: str, body: dict[str, str]) -> bytes:
        return events.raw(author, type="kudos.given", body=body)

    try:
        with TestClient(create_app(node, background_checkpoints=False, program=program)) as web:
            # the node accepts its event, through the wire API's edge
            given = web.post(
                "/v1/events", content=events.raw("amara", type="kudos.given", body=thanks)
            )
            assert given.status_code == 201, given.text
            # its refusal code takes the status its declaration gives it
            to_self = {"to": events.did("amara")}
            refused = web.post(
                "/v1/events", content=events.raw("amara", type="kudos.given", body=to_self)
            )
            assert (refused.status_code, refused.json()["code"]) == (409, "kudos_to_self")
            # its API route and its page are served, and its link is in the navigation
            assert web.get(f"/v1/kudos/{thanks['to']}").json()["received"] == 1
            assert "Kudos, given in public" in web.get("/kudos").text
            home = web.get("/").text
            assert home.index('href="/gatherings"') < home.index('href="/kudos"')
            assert home.index('href="/kudos"') < home.index('href="/treasury"')
            # the documented routes are all still there
            paths = set(web.get("/openapi.json").json()["paths"])
            assert {"/v1/kudos/{did}", "/v1/events", "/v1/rounds"} <= paths
        # the scheduler runs its job, beside every other capability's
        scheduler = Scheduler(node, jobs=program.jobs(node))
        scheduler.tick()
        ticks = importlib.import_module("commonweal.kudos_folder.service").TICKS
        assert ticks == [node.size]
        names = [job.name for job in scheduler.jobs]
        assert names[-4:] == ["notifications", "push", "kudos", "checkpoint"]
        assert scheduler.stats["kudos"].failures == 0
        # the log, with its kudos, verifies with the registry the list assembles
        assert verify_log(node.store, program.registry(), compare_with=node.store).ok
        assert not verify_log(node.store, default_registry(), compare_with=node.store).ok
    finally:
        node.close()
    # the command shows it, after every other capability's and before `verify`
    cli = CliRunner().invoke(command(program), ["--help"])
    assert cli.exit_code == 0
    assert cli.output.index(" alliance ") < cli.output.index(" kudos ")
    assert cli.output.index(" kudos ") < cli.output.index(" verify ")
    said = CliRunner().invoke(command(program), ["kudos", "bruno"])
    assert said.output == "kudos to bruno\n"
    assert " kudos " not in CliRunner().invoke(command(PROGRAM), ["--help"]).output


def test_the_edge_and_the_handlers_read_a_capabilitys_status(kudos: Capability) -> None:
    """Without the declaration's status, the refusal takes its class's (403)."""
    from commonweal.node.kernel.errors import Rejected
    from commonweal.web.problems import rejection

    refusal = Rejected("kudos_to_self", "kudos go to someone else", status=403)
    assert rejection(refusal).status_code == 403
    assert rejection(refusal, assemble((*CAPABILITIES, kudos)).status_by_code()).status_code == 409
    assert orjson.loads(rejection(refusal).body)["code"] == "kudos_to_self"


def test_the_list_imports_nothing_it_names() -> None:
    """Reading the list costs nothing: the routers, services, demo chapters, the domain's
    rules and the web framework are imported when the program is built from it."""
    import subprocess
    import sys

    heavy = ["fastapi", "sqlalchemy", "pyld", "typer", "commonweal.domain.catalog"]
    script = (
        f"import sys, commonweal.capabilities;print([m for m in {heavy!r} if m in sys.modules])"
    )
    answer = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert answer.returncode == 0, answer.stderr
    assert answer.stdout.strip() == "[]"
