"""``commonweal proposal …``, ``vote``, ``delegate``, ``tally`` and ``constitution``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import typer

from commonweal.cli import secret_commands
from commonweal.cli.common import (
    NodeUrl,
    Signer,
    console,
    event_command,
    fail,
    fetch,
    given,
    signing,
)
from commonweal.cli.governance_view import show_constitution, show_proposal, show_result
from commonweal.core.language import N_, _

app = typer.Typer(
    help="Proposals: draft, discuss, amend, comment; see them and their results.",
    no_args_is_help=True,
)


def _json_list(values: list[str], what: str) -> list[Any]:
    parsed = []
    for value in values:
        try:
            parsed.append(json.loads(value))
        except ValueError as error:
            raise fail(
                _(
                    "%(what)s %(value)s is not JSON: %(error)s",
                    what=what,
                    value=repr(value),
                    error=error,
                )
            ) from None
    return parsed


def _text(text: str, text_file: Path | None) -> str:
    if text_file is not None:
        try:
            return text_file.read_text()
        except OSError as error:
            raise fail(
                _("cannot read %(text_file)s: %(error)s", text_file=text_file, error=error)
            ) from None
    if not text:
        raise fail(_("give the text with --text or --text-file"))
    return text


@app.command("new")
@signing
def new(
    title: str = typer.Option(..., help="A short title."),
    kind: str = typer.Option("decision", help="A kind of proposal from the constitution."),
    topic: str = typer.Option("general", help="A topic from the constitution."),
    text: str = typer.Option("", help="The proposal's text."),
    text_file: Path | None = typer.Option(None, help="...or read the text from this file."),
    action: list[str] = typer.Option(
        [],
        help='An action to execute if it passes, as JSON (repeat), e.g. \'{"type": '
        '"membership.expel", "member": "did:key:…"}\'.',
    ),
    submit: bool = typer.Option(False, "--submit", help="Open it for discussion at once."),
    *,
    signer: Signer,
) -> None:
    """Draft a proposal (its id is the receipt's index); --submit opens the discussion too."""
    body = {
        "kind": kind,
        "topic": topic,
        "title": title,
        "text": _text(text, text_file),
        "actions": _json_list(action, "action"),
    }
    receipt = signer.made(
        "governance.proposal.drafted", body, N_("Proposal [bold]%(index)s[/] drafted.")
    )
    if submit:
        signer.act("governance.proposal.submitted", {"proposal": receipt["index"]})
        console.print(_("Open for discussion."))


event_command(
    app,
    "submit",
    "governance.proposal.submitted",
    "Open your draft for discussion (the kind's rules in force now apply to it).",
    subject="proposal",
    argument=typer.Argument(..., help="The proposal's id."),
)


event_command(
    app,
    "cancel",
    "governance.proposal.cancelled",
    "Withdraw your proposal before voting (a moderator may cancel one at any open phase).",
    subject="proposal",
    argument=typer.Argument(..., help="The proposal's id."),
    reason="Why (public).",
)


@app.command("alternative")
@signing
def alternative(
    proposal: int = typer.Argument(..., help="The proposal's id."),
    title: str = typer.Option(..., help="The alternative's title."),
    text: str = typer.Option("", help="Its text."),
    text_file: Path | None = typer.Option(None, help="...or read the text from this file."),
    action: list[str] = typer.Option([], help="An action as JSON (repeat)."),
    *,
    signer: Signer,
) -> None:
    """Put forward a competing alternative during the discussion."""
    body = {
        "proposal": proposal,
        "title": title,
        "text": _text(text, text_file),
        "actions": _json_list(action, "action"),
    }
    signer.act("governance.alternative.added", body)


@app.command("revise")
@signing
def revise(
    alternative_id: int = typer.Argument(..., help="The alternative's id."),
    title: str | None = typer.Option(None, help="A new title."),
    text: str | None = typer.Option(None, help="A new text."),
    text_file: Path | None = typer.Option(None, help="...or read the new text from this file."),
    *,
    signer: Signer,
) -> None:
    """Revise your alternative before voting."""
    body: dict[str, Any] = {"alternative": alternative_id}
    body.update(given(title=title))
    if text is not None or text_file is not None:
        body["text"] = _text(text or "", text_file)
    signer.act("governance.alternative.revised", body)


event_command(
    app,
    "withdraw",
    "governance.alternative.withdrawn",
    "Withdraw your alternative before voting.",
    subject="alternative_id",
    argument=typer.Argument(..., help="The alternative's id."),
    member="alternative",
)


@app.command("amend")
@signing
def amend(
    alternative_id: int = typer.Argument(..., help="The alternative to amend."),
    text: str = typer.Option("", help="The whole amended text."),
    text_file: Path | None = typer.Option(None, help="...or read it from this file."),
    note: str = typer.Option("", help="Why this change."),
    *,
    signer: Signer,
) -> None:
    """Propose an amendment: a new text its author may accept or reject."""
    body = {"alternative": alternative_id, "text": _text(text, text_file), "note": note}
    signer.act("governance.amendment.proposed", body)


event_command(
    app,
    "accept",
    "governance.amendment.accepted",
    "As the alternative's author: take an amendment into the text.",
    subject="amendment",
    argument=typer.Argument(..., help="The amendment's id."),
)


event_command(
    app,
    "reject",
    "governance.amendment.rejected",
    "As the alternative's author: decline an amendment.",
    subject="amendment",
    argument=typer.Argument(..., help="The amendment's id."),
    reason="Why (public).",
)


@app.command("comment")
@signing
def comment(
    proposal: int = typer.Argument(..., help="The proposal's id."),
    text: str = typer.Argument(..., help="What you want to say."),
    stance: str | None = typer.Option(None, help="for or against: make it an argument."),
    alternative_id: int | None = typer.Option(
        None, "--alternative", help="About this alternative."
    ),
    reply_to: int | None = typer.Option(None, help="Reply to this comment."),
    *,
    signer: Signer,
) -> None:
    """Comment on a proposal, or argue for or against it."""
    body: dict[str, Any] = {"proposal": proposal, "text": text}
    for name, value in (
        ("stance", stance),
        ("alternative", alternative_id),
        ("reply_to", reply_to),
    ):
        if value is not None:
            body[name] = value
    signer.act("governance.comment.posted", body)


@app.command("list")
def list_proposals(
    phase: str | None = typer.Option(None, help="draft, discussion, voting, closed or cancelled."),
    topic: str | None = typer.Option(None, help="Only this topic."),
    node: str = NodeUrl,
) -> None:
    """Proposals, newest first."""
    for p in fetch(node, "/v1/proposals", phase=phase, topic=topic)["proposals"]:
        outcome = ""
        if "passed" in p:
            outcome = "passed" if p["passed"] else "not passed"
        console.print(
            f"{p['id']:>6}  {p['phase']:<10} {p['kind']:<12} {p['topic']:<12} {p['title']}"
            + (f"  [{outcome}]" if outcome else ""),
            highlight=False,
        )


@app.command("show")
def show(
    proposal: int = typer.Argument(..., help="The proposal's id."), node: str = NodeUrl
) -> None:
    """A proposal: its rules, alternatives, amendments, arguments, turnout and result."""
    show_proposal(fetch(node, f"/v1/proposals/{proposal}"))


def tally(
    proposal: int = typer.Argument(..., help="The proposal's id."),
    node: str = NodeUrl,
    data_dir: Path | None = typer.Option(
        None, "--data-dir", "-d", help="Recount from this node's own store instead of asking it."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the result as JSON."),
) -> None:
    """The result of a vote: final once closed, preliminary while voting is open."""
    if data_dir is not None:
        from commonweal.node.kernel.setup import SetupError, open_store
        from commonweal.node.services.governance import recount_from_store

        try:
            store = open_store(str(data_dir))
            result = recount_from_store(store, proposal, store.read_meta()["did"])
        except (SetupError, Exception) as error:  # a missing proposal is a Rejected
            raise fail(str(error)) from None
        final = False
    else:
        answer = fetch(node, f"/v1/proposals/{proposal}/result")
        result, final = answer["result"], answer["final"]
    if as_json:
        console.print_json(json.dumps(result))
        return
    show_result(result, final=final)


@signing
def vote(
    proposal: int = typer.Argument(..., help="The proposal's id."),
    choice: str | None = typer.Argument(
        None, help="yes, no or abstain; or consent, stand_aside or object (consent votes)."
    ),
    rank: str | None = typer.Option(
        None, help="A ranking, best first: 43,47,status_quo (43=47 ranks two equal)."
    ),
    approve: str | None = typer.Option(None, help="Approval: the options you approve, 43,47."),
    score: list[str] = typer.Option([], help="Score or STAR: option=score (repeat)."),
    votes: list[str] = typer.Option(
        [], help="Quadratic: option=votes (repeat; negative = against)."
    ),
    pick: str | None = typer.Option(None, help="Plurality: the one option you choose."),
    reason: str = typer.Option("", help="The reason for an objection (consent votes)."),
    ballot: str | None = typer.Option(None, help="The whole ballot as JSON, for any method."),
    withdraw: bool = typer.Option(False, "--withdraw", help="Take back your ballot."),
    public: bool = typer.Option(
        False, "--public", help="On a secret proposal, vote openly (as a delegate does)."
    ),
    check: bool = typer.Option(
        False, "--check", help="Secret proposals: check that your ballot was counted."
    ),
    token: bool = typer.Option(
        False, "--token", help="Secret proposals: only take your token now; vote later."
    ),
    delay: float = typer.Option(
        secret_commands.DEFAULT_DELAY,
        help="Secret proposals: wait up to this many seconds between a fresh token and the ballot.",
    ),
    *,
    signer: Signer,
) -> None:
    """Vote on a proposal (again, to change your vote, until it closes).

    On a secret proposal the ballot is sealed and cast anonymously (docs/secret-ballots.md):
    once, with no changing it afterwards; ``--public`` votes openly instead.
    """
    if check:
        secret_commands.check(signer.node, proposal, signer.wallet)
        return
    if token:
        secret_commands.cast(
            signer.node, proposal, None, signer.wallet, signer.key, signer.passphrase
        )
        return
    if withdraw:
        signer.act("governance.ballot.withdrawn", {"proposal": proposal})
        return
    chosen = _ballot(choice, rank, approve, score, votes, pick, reason, ballot)
    if not public and secret_commands.is_secret(signer.node, proposal):
        secret_commands.cast(
            signer.node, proposal, chosen, signer.wallet, signer.key, signer.passphrase, delay=delay
        )
        return
    signer.act("governance.ballot.cast", {"proposal": proposal, "ballot": chosen})


def _ballot(
    choice: str | None,
    rank: str | None,
    approve: str | None,
    score: list[str],
    votes: list[str],
    pick: str | None,
    reason: str,
    raw: str | None,
) -> dict[str, Any]:
    given = [x for x in (choice, rank, approve, score or None, votes or None, pick, raw) if x]
    if len(given) != 1:
        raise fail(
            _(
                "give exactly one of: a choice, --rank, --approve, --score, "
                "--votes, --pick, --ballot"
            )
        )
    if raw is not None:
        parsed = _json_list([raw], "ballot")[0]
        if not isinstance(parsed, dict):
            raise fail(_("--ballot must be a JSON object"))
        return parsed
    if choice in ("yes", "no", "abstain"):
        return {"choice": choice}
    if choice in ("consent", "stand_aside", "object"):
        return {"position": choice, "reason": reason} if reason else {"position": choice}
    if choice is not None:
        raise fail(
            _(
                "%(choice)s is not yes, no, abstain, consent, stand_aside or object",
                choice=repr(choice),
            )
        )
    if rank is not None:
        return {"ranking": [tier.split("=") if "=" in tier else tier for tier in rank.split(",")]}
    if approve is not None:
        return {"approve": [o for o in approve.split(",") if o]}
    if pick is not None:
        return {"choice": pick}
    pairs = _pairs(score or votes)
    return {"scores": pairs} if score else {"votes": pairs}


def _pairs(values: list[str]) -> dict[str, int]:
    pairs = {}
    for value in values:
        option, _equals, number = value.partition("=")
        try:
            pairs[option] = int(number)
        except ValueError:
            raise fail(_("%(value)s is not option=number", value=repr(value))) from None
    return pairs


@signing
def delegate(
    trustee: str | None = typer.Argument(
        None, help="The member's did:key you entrust your vote to."
    ),
    topic: str | None = typer.Option(None, help="Only for this topic."),
    proposal: int | None = typer.Option(None, help="Only for this proposal."),
    none: bool = typer.Option(False, "--none", help="Explicitly no delegation in this scope."),
    revoke: bool = typer.Option(False, "--revoke", help="Take back your delegation in this scope."),
    show: str | None = typer.Option(None, "--show", help="Show this member's delegations instead."),
    *,
    signer: Signer,
) -> None:
    """Delegate your vote for the whole node, a topic, or one proposal (liquid democracy)."""
    if show is not None:
        console.print_json(json.dumps(fetch(signer.node, f"/v1/members/{show}/delegations")))
        return
    if topic is not None and proposal is not None:
        raise fail(_("give --topic or --proposal, not both"))
    scope = (
        f"topic:{topic}" if topic else f"proposal:{proposal}" if proposal is not None else "node"
    )
    if revoke:
        signer.act("governance.delegation.revoked", {"scope": scope})
        return
    if (trustee is None) == (not none):
        raise fail(_("name a trustee, or pass --none for an explicit 'no delegation'"))
    signer.act("governance.delegation.set", {"scope": scope, "trustee": trustee})


constitution_app = typer.Typer(help="The constitution in force.", no_args_is_help=True)


@constitution_app.command("show")
def constitution_show(
    as_json: bool = typer.Option(False, "--json", help="Print it as JSON."), node: str = NodeUrl
) -> None:
    """The constitution in force: topics, and each kind of proposal with its rules."""
    document = fetch(node, "/v1/constitution")
    if as_json:
        console.print_json(json.dumps(document))
        return
    show_constitution(document)
