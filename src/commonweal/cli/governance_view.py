"""Rich renderings of proposals, results and the constitution for the terminal."""

from __future__ import annotations

from typing import Any

from rich.table import Table

from commonweal.cli.common import console
from commonweal.core.language import _
from commonweal.domain.governance.actions import describe
from commonweal.node.read_models.plain import describe_kind, describe_outcome


def show_proposal(view: dict[str, Any]) -> None:
    """A proposal with its alternatives, amendments, arguments and result."""
    console.print(f"[bold]{view['id']}. {view['title']}[/]", highlight=False)
    console.print(
        _(
            "%(kind)s · topic %(topic)s · %(phase)s · by %(author)s",
            kind=view["kind"],
            topic=view["topic"],
            phase=view["phase"],
            author=view["author"],
        )
    )
    for label, key in (
        ("discussion until", "discussion_until"),
        ("voting from", "voting_from"),
        ("voting until", "voting_until"),
        ("closed at", "closed_at"),
    ):
        if view.get(key):
            console.print(f"  {label:<17} {view[key]}")
    if view.get("rules"):
        for sentence in describe_kind(view["rules"]):
            console.print(f"  {sentence.translated()}", highlight=False)
    for alt in view["alternatives"]:
        state = " (withdrawn)" if alt["withdrawn"] else ""
        console.print(
            _(
                "\n[bold]Alternative %(id)s[/] v%(version)s: %(title)s%(state)s",
                id=alt["id"],
                version=alt["version"],
                title=alt["title"],
                state=state,
            )
        )
        console.print(alt["text"], highlight=False)
        for action in alt["actions"]:
            console.print(
                _("  → if it passes: %(describe)s", describe=describe(action)), highlight=False
            )
        for amendment in alt["amendments"]:
            console.print(
                _(
                    "  amendment %(id)s (%(status)s) by %(author)s: %(value)s",
                    id=amendment["id"],
                    status=amendment["status"],
                    author=amendment["author"],
                    value=amendment["note"] or amendment["text"][:60],
                ),
                highlight=False,
            )
    arguments = [c for c in view["comments"] if c["stance"]]
    for stance in ("for", "against"):
        picked = [c for c in arguments if c["stance"] == stance]
        if picked:
            console.print(_("\n[bold]Arguments %(stance)s[/]", stance=stance))
            for c in picked:
                console.print(f"  • {c['text']}  — {c['author'][:20]}…", highlight=False)
    plain = [c for c in view["comments"] if not c["stance"]]
    if plain:
        console.print(_("\n%(count)s comment(s)", count=len(plain)))
    if view.get("turnout"):
        t = view["turnout"]
        console.print(
            _(
                "\nTurnout so far: %(participating)s of %(electorate)s "
                "(%(direct_voters)s voted directly, %(delegated_weight)s by "
                "delegation)",
                participating=t["participating"],
                electorate=t["electorate"],
                direct_voters=t["direct_voters"],
                delegated_weight=t["delegated_weight"],
            )
        )
    if view.get("result"):
        console.print()
        show_result(view["result"], final=True)
    for step in view.get("executions", []):
        console.print(
            _(
                "  action %(alternative)s/%(action)s: %(status)s %(reason)s",
                alternative=step["alternative"],
                action=step["action"],
                status=step["status"],
                reason=step["reason"],
            )
        )


def show_result(result: dict[str, Any], *, final: bool) -> None:
    """A result: turnout, the counts of its method, winners and the outcome."""
    console.print(f"[bold]{'Result' if final else 'Preliminary count'}[/] ({result['method']})")
    console.print(
        _(
            "  electorate %(electorate)s, taking part %(participating)s "
            "(%(direct_voters)s directly, %(delegated_weight)s "
            "delegated), quorum %(share)s = %(needed)s",
            electorate=result["electorate"],
            participating=result["participating"],
            direct_voters=result["direct_voters"],
            delegated_weight=result["delegated_weight"],
            share=result["quorum"]["share"],
            needed=result["quorum"]["needed"],
        )
    )
    for key in ("counts", "scores", "first_choices", "votes"):
        if isinstance(result.get(key), dict):
            table = Table(show_header=False, box=None, padding=(0, 2))
            for option, value in result[key].items():
                table.add_row(str(option), str(value))
            console.print(table)
    for number, tally in enumerate(result.get("rounds", []), start=1):
        console.print(f"  round {number}: " + ", ".join(f"{o} {v}" for o, v in tally.items()))
    if isinstance(result.get("pairwise"), dict):
        options = list(result["pairwise"])
        table = Table(title="pairwise: row preferred to column", box=None, padding=(0, 1))
        table.add_column("")
        for option in options:
            table.add_column(option, justify="right")
        for a in options:
            table.add_row(a, *("—" if a == b else str(result["pairwise"][a][b]) for b in options))
        console.print(table)
    if isinstance(result.get("stv"), dict):
        stv = result["stv"]
        console.print(
            _(
                "  quota %(quota)s, elected in order: %(value)s",
                quota=stv["quota"],
                value=", ".join(stv["elected"]),
            )
        )
    console.print(_("  winners: %(value)s", value=", ".join(result["winners"]) or "—"))
    if result.get("tie_break"):
        console.print(
            _(
                "  tie broken: %(rule)s → %(decided)s",
                rule=result["tie_break"]["rule"],
                decided=result["decided"],
            )
        )
    console.print(describe_outcome(result).translated(), highlight=False)


def show_constitution(document: dict[str, Any]) -> None:
    """The constitution in force, in plain language."""
    constitution = document["constitution"]
    console.print(_("[bold]Constitution, version %(version)s[/]", version=document["version"]))
    console.print(constitution["preamble"], highlight=False)
    console.print(_("\n[bold]Topics[/]"))
    for name, topic in constitution["topics"].items():
        console.print(f"  {name}: {topic['title']} — {topic['description']}", highlight=False)
    for name, rules in constitution["kinds"].items():
        console.print(f"\n[bold]{rules['title']}[/] ({name})")
        if rules["description"]:
            console.print(f"  {rules['description']}", highlight=False)
        for sentence in describe_kind(rules):
            console.print(f"  {sentence.translated()}", highlight=False)
