"""``commonweal member …``: join, vouch, approve, sanction, erase, recover, as signed events."""

from __future__ import annotations

import json
import time
from typing import Any
from urllib.parse import urlparse

import typer

from commonweal.cli.common import (
    NodeUrl,
    Signer,
    connected,
    console,
    event_command,
    fail,
    fetch,
    signing,
)
from commonweal.client.http import NodeClient, NodeRefused
from commonweal.core.did import did_key_from_public_key
from commonweal.core.language import _
from commonweal.core.vc.errors import CredentialError
from commonweal.core.vc.status_list import is_revoked

app = typer.Typer(
    help="Membership: apply, vouch, approve, sanction, erase, recover.", no_args_is_help=True
)


@app.command("apply")
@signing
def apply(
    name: str = typer.Option(..., help="Your display name (kept private unless --show-name)."),
    contact: str = typer.Option("", help="How to reach you (private)."),
    bio: str = typer.Option("", help="A few words about you (private)."),
    location: str = typer.Option("", help="Where you are (private)."),
    show_name: bool = typer.Option(
        False, "--show-name", help="Show your name in the member directory."
    ),
    *,
    signer: Signer,
) -> None:
    """Apply to join: the log gets a salted commitment; your profile stays private."""
    key = signer.signing_key()
    profile = {
        "display_name": name,
        "contact": contact,
        "bio": bio,
        "location": location,
        "show_name": show_name,
    }
    with signer.connected() as client:
        receipt = client.apply(key, profile)
    console.print_json(json.dumps(receipt))


ACTIONS = (
    # command, event type, body field, takes a reason, help
    ("vouch", "membership.vouch.given", "applicant", False, "Vouch for an applicant you know."),
    ("approve", "membership.application.approved", "applicant", False, "Approve an application."),
    ("decline", "membership.application.declined", "applicant", True, "Decline an application."),
    ("suspend", "membership.member.suspended", "member", True, "Suspend a member."),
    ("reinstate", "membership.member.reinstated", "member", False, "End a suspension."),
    ("expel", "membership.member.expelled", "member", True, "Expel a member."),
    ("erase", "membership.profile.erased", "member", False, "Erase a private profile."),
    ("recover-cancel", "membership.recovery.cancelled", "member", False, "Withdraw a recovery."),
)


for _name, _type, _field, _reasoned, _summary in ACTIONS:
    event_command(
        app,
        _name,
        _type,
        f"{_summary} (event {_type})",
        subject="did",
        argument=typer.Argument(..., help="The member's or applicant's did:key."),
        kind=str,
        member=_field,
        reason="Why (public; for decline, suspend and expel).",
        reason_sent="given" if _reasoned else "never",
    )


@app.command("leave")
@signing
def leave(
    *,
    signer: Signer,
) -> None:
    """Leave the node; your credentials are revoked."""
    signer.act("membership.member.left", {})


@app.command("guardians")
@signing
def guardians(
    dids: list[str] = typer.Argument(..., help="Your guardians' did:keys (members)."),
    threshold: int = typer.Option(..., help="How many of them must vouch for a new key."),
    *,
    signer: Signer,
) -> None:
    """Choose the guardians who can recover your membership if you lose your key."""
    body = {"guardians": dids, "threshold": threshold}
    signer.act("membership.guardians.set", body)


event_command(
    app,
    "recover-request",
    "membership.recovery.requested",
    "With your NEW key: ask to take the place of the key you lost.",
    subject="old",
    argument=typer.Argument(..., help="The did:key you lost."),
    kind=str,
    member="member",
)


event_command(
    app,
    "recover-vouch",
    "membership.recovery.vouched",
    "As a guardian: confirm a member's new key (after checking with them in person).",
    subject="old",
    argument=typer.Argument(..., help="The member's lost did:key."),
    kind=str,
    member="member",
    also=[("new", str, typer.Argument(..., help="The new did:key they asked for."))],
)


@app.command("policy")
@signing
def policy(
    admission: str = typer.Argument(..., help="open, vouch or approval."),
    vouches: int = typer.Option(2, help="Vouches needed under 'vouch'."),
    recovery_delay: int = typer.Option(72 * 3600, help="Recovery time lock, in seconds."),
    *,
    signer: Signer,
) -> None:
    """Set the admission policy (needs membership.policy)."""
    body = {
        "admission": admission,
        "vouches_required": vouches,
        "recovery_delay_seconds": recovery_delay,
    }
    signer.act("membership.policy.set", body)


@app.command("role")
@signing
def role(
    action: str = typer.Argument(..., help="grant or revoke."),
    did: str = typer.Argument(..., help="The member's did:key."),
    name: str = typer.Argument(..., help="The role, e.g. steward or treasurer."),
    *,
    signer: Signer,
) -> None:
    """Grant or revoke a role (needs membership.roles)."""
    if action not in ("grant", "revoke"):
        raise fail(_("the action is grant or revoke"))
    event_type = "membership.role.granted" if action == "grant" else "membership.role.revoked"
    signer.act(event_type, {"member": did, "role": name})


@app.command("list")
def list_members(node: str = NodeUrl) -> None:
    """The member directory: DIDs, standing, roles, and names shown by choice."""
    with connected(node, refused="") as client:
        members = _every_member(client)
    for entry in members:
        name = entry["name"] or ""
        roles = ",".join(entry["roles"])
        console.print(f"{entry['did']}  {entry['status']:<10} {roles:<20} {name}")


def _every_member(client: NodeClient) -> list[dict[str, Any]]:
    """The whole directory, following each page's ``next`` cursor to the last page."""
    members: list[dict[str, Any]] = []
    params: dict[str, str] = {"limit": "1000"}
    while True:
        page = client.get_json("/v1/members", **params)
        members.extend(page["members"])
        if not page.get("next"):
            return members
        params = {"limit": "1000", "cursor": page["next"]}


@app.command("move")
@signing
def move(
    to: str = typer.Option(..., "--to", help="The URL of the node you move to."),
    reason: str = typer.Option("", help="Why you move (optional, logged)."),
    wait: float = typer.Option(60.0, help="Seconds to wait for the new node to admit you."),
    *,
    signer: Signer,
) -> None:
    """Move to another node this node recognises, with your history: your departure is
    logged here, and the new node admits you on it (docs/federation.md, member moves)."""
    target = fetch(to, "/.well-known/commonweal")["did"]
    source = fetch(signer.node, "/.well-known/commonweal")["did"]
    body: dict[str, Any] = {
        "to": target,
        **({"reason": reason} if reason else {}),
        "credential": home_credential(
            signer.node, did_key_from_public_key(signer.signing_key().public_key)
        ),
    }
    receipt = signer.act("membership.move.requested", body)
    admitted = arrive(to, source, int(receipt["index"]), wait)
    console.print(
        _(
            "Moved: %(target)s admitted you (its entry %(index)s).",
            target=target,
            index=admitted["index"],
        )
    )


def home_credential(node: str, did: str) -> dict[str, Any]:
    """The membership credential ``node`` holds in force for ``did``: the newest one its
    status list does not mark revoked (what the new node admits a moving member on)."""
    held = fetch(node, f"/v1/members/{did}/credentials")["credentials"]
    membership = [c for c in held if "MembershipCredential" in c.get("type", [])]
    if not membership:
        raise fail(_("this node holds no membership credential for you: the new node would refuse"))
    lists: dict[str, Any] = {}
    for credential in reversed(membership):
        try:
            entry = credential["credentialStatus"]
            path = urlparse(entry["statusListCredential"]).path
            status = lists[path] if path in lists else lists.setdefault(path, fetch(node, path))
            if not is_revoked(entry, status):
                return dict(credential)
        except (KeyError, TypeError, CredentialError):
            continue
    raise fail(_("your membership credentials here are revoked: the new node would refuse"))


def arrive(destination: str, source: str, index: int, wait: float) -> dict[str, Any]:
    """Ask ``destination`` to admit the move logged at ``index`` of ``source``'s log,
    again until a checkpoint there covers it (or ``wait`` seconds pass)."""
    deadline = time.monotonic() + wait
    with NodeClient(destination) as client:
        while True:
            try:
                answer: dict[str, Any] = client.post_json(
                    "/v1/members/moves", {"from": source, "index": index}
                )
                return answer
            except NodeRefused as refused:
                if refused.problem.get("code") == "departure_used":
                    return {"index": "logged already, carried there by your old node"}
                if refused.problem.get("code") != "no_departure" or time.monotonic() > deadline:
                    raise fail(_("the new node refused: %(refused)s", refused=refused)) from None
            time.sleep(0.5)
