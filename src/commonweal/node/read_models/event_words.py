"""What each kind of logged event says, as the end of a sentence whose subject is its author:
"Amara Okafor" + "cast a ballot on “Quiet hours”". One entry per registered event type
(tests/node/test_event_words.py checks that every type of the program has one).

``%(about)s`` stands for what the event is about (a proposal's or a post's title, in quotes),
or is left out when the event names nothing with a title. The words are marked for the
catalogues in the context "done" (English says "set a fund's budget" and "moved to another
node" for other things too) and said in the current language (core/language.py): a page's
reader's, a mail's recipient's; English elsewhere.
"""

from __future__ import annotations

from commonweal.core.language import NP_, _, current_language, pgettext

SLOT = "%(about)s"

EVENT_WORDS: dict[str, str] = {
    # aid
    "aid.claim.released": NP_("done", "released their claim on %(about)s"),
    "aid.message.relayed": NP_("done", "relayed a message about %(about)s"),
    "aid.offer.claimed": NP_("done", "took up the offer %(about)s"),
    "aid.offer.posted": NP_("done", "offered help: %(about)s"),
    "aid.post.fulfilled": NP_("done", "recorded that help was given for %(about)s"),
    "aid.post.settled": NP_("done", "settled the help received for %(about)s"),
    "aid.post.withdrawn": NP_("done", "withdrew the aid post %(about)s"),
    "aid.request.answered": NP_("done", "answered the request %(about)s"),
    "aid.request.posted": NP_("done", "asked for help: %(about)s"),
    # campaigns
    "campaigns.campaign.cancelled": NP_("done", "cancelled the campaign %(about)s"),
    "campaigns.campaign.carried": NP_("done", "carried another node's network campaign %(about)s"),
    "campaigns.campaign.closed": NP_("done", "closed the campaign %(about)s"),
    "campaigns.campaign.launched": NP_("done", "launched the campaign %(about)s"),
    "campaigns.carried.closed": NP_("done", "closed its copy of the carried campaign %(about)s"),
    "campaigns.carried.settled": NP_("done", "settled the carried campaign %(about)s"),
    "campaigns.pledge.made": NP_("done", "pledged to the campaign %(about)s"),
    "campaigns.pledge.withdrawn": NP_("done", "withdrew a pledge to the campaign %(about)s"),
    "campaigns.pledgers.progress": NP_("done", "reported how many pledged to %(about)s"),
    "campaigns.pledgers.reported": NP_(
        "done", "reported its pledgers to the network campaign %(about)s"
    ),
    # census
    "census.network.counted": NP_("done", "counted the network census"),
    "census.people.committed": NP_("done", "committed to the people its census counted"),
    "census.requested": NP_("done", "asked for a census"),
    "census.taken": NP_("done", "took the census"),
    # commons
    "commons.appeal.decided": NP_("done", "decided an appeal against a sanction"),
    "commons.appeal.filed": NP_("done", "appealed a sanction"),
    "commons.booking.cancelled": NP_("done", "cancelled a booking of %(about)s"),
    "commons.booking.made": NP_("done", "made a booking of %(about)s"),
    "commons.breach.reported": NP_("done", "reported a breach of the rules of %(about)s"),
    "commons.condition.reported": NP_("done", "reported the condition of %(about)s"),
    "commons.deposit.received": NP_("done", "recorded a deposit received for %(about)s"),
    "commons.deposit.returned": NP_("done", "recorded a deposit returned for %(about)s"),
    "commons.resource.registered": NP_("done", "registered the shared resource %(about)s"),
    "commons.resource.updated": NP_("done", "described the shared resource %(about)s anew"),
    "commons.round.allocated": NP_("done", "allocated the round for %(about)s"),
    "commons.round.entered": NP_("done", "entered the allocation round for %(about)s"),
    "commons.round.opened": NP_("done", "opened an allocation round for %(about)s"),
    # mutual credit
    "credit.clearing.completed": NP_("done", "set off cycles of debts between members"),
    "credit.demurrage.charged": NP_("done", "charged demurrage on positive balances"),
    "credit.obligation.forgiven": NP_("done", "forgave a debt"),
    "credit.obligation.recorded": NP_("done", "recorded a debt to another member"),
    "credit.obligation.settled": NP_("done", "paid a debt"),
    "credit.policy.set": NP_("done", "set a unit's credit limits and demurrage"),
    # federation
    "federation.alliance_call.requested": NP_(
        "done", "asked the node to call a network vote %(about)s"
    ),
    "federation.network_vote.called": NP_("done", "called the network vote %(about)s"),
    "federation.network_vote.closed": NP_("done", "closed the network vote %(about)s"),
    "federation.peer.requested": NP_("done", "asked the node to fetch another node's identity"),
    "federation.precinct.ballot.cast": NP_("done", "voted in the network vote %(about)s"),
    "federation.precinct.closed": NP_("done", "closed its precinct of the network vote %(about)s"),
    "federation.precinct.opened": NP_("done", "opened its precinct of the network vote %(about)s"),
    "federation.recognition.granted": NP_("done", "recognised another node %(about)s"),
    "federation.recognition.withdrawn": NP_(
        "done", "withdrew its recognition of another node %(about)s"
    ),
    "federation.request.done": NP_("done", "recorded what came of a steward's network request"),
    "federation.subtotal.people": NP_("done", "sent the next part of its precinct's people"),
    "federation.subtotal.reported": NP_("done", "reported its precinct's subtotal"),
    "federation.sync.requested": NP_("done", "asked the node to sync with its peers now"),
    "federation.visitor.admitted": NP_(
        "done", "admitted a member of a recognised node as a visitor"
    ),
    "federation.visitor.departed": NP_("done", "ended a visit"),
    # funding
    "funding.contribution.made": NP_("done", "contributed to a project %(about)s"),
    "funding.pool.funded": NP_("done", "added funds to the pool %(about)s"),
    "funding.pool.opened": NP_("done", "opened the conviction-voting pool %(about)s"),
    "funding.project.entered": NP_("done", "entered the project %(about)s in a round"),
    "funding.proposal.executed": NP_("done", "paid the pool proposal %(about)s"),
    "funding.proposal.submitted": NP_("done", "asked a pool for funds: %(about)s"),
    "funding.proposal.withdrawn": NP_("done", "withdrew the pool proposal %(about)s"),
    "funding.round.closed": NP_("done", "closed the funding round %(about)s"),
    "funding.round.opened": NP_("done", "opened the funding round %(about)s"),
    "funding.stake.set": NP_("done", "set their stake on %(about)s"),
    # gatherings
    "gatherings.attendee.checked_in": NP_("done", "checked in an attendee at %(about)s"),
    "gatherings.checkin.claimed": NP_("done", "checked in at the gathering %(about)s"),
    "gatherings.code.revealed": NP_("done", "revealed the check-in code of %(about)s"),
    "gatherings.gathering.cancelled": NP_("done", "cancelled the gathering %(about)s"),
    "gatherings.gathering.scheduled": NP_("done", "scheduled the gathering %(about)s"),
    "gatherings.rsvp.given": NP_("done", "answered the invitation to %(about)s"),
    # governance
    "governance.alternative.added": NP_("done", "put forward an alternative to %(about)s"),
    "governance.alternative.revised": NP_("done", "revised an alternative of %(about)s"),
    "governance.alternative.withdrawn": NP_("done", "withdrew an alternative of %(about)s"),
    "governance.amendment.accepted": NP_("done", "took an amendment into %(about)s"),
    "governance.amendment.proposed": NP_("done", "proposed an amendment to %(about)s"),
    "governance.amendment.rejected": NP_("done", "declined an amendment to %(about)s"),
    "governance.ballot.cast": NP_("done", "cast a ballot on %(about)s"),
    "governance.ballot.sealed": NP_("done", "cast a sealed ballot on %(about)s"),
    "governance.ballot.token.issued": NP_("done", "signed a voter's blinded token for %(about)s"),
    "governance.ballot.token.requested": NP_(
        "done", "asked for a secret ballot's token for %(about)s"
    ),
    "governance.ballot.withdrawn": NP_("done", "took back their ballot on %(about)s"),
    "governance.comment.posted": NP_("done", "commented on %(about)s"),
    "governance.constitution.adopted": NP_("done", "adopted the constitution"),
    "governance.decision.executed": NP_("done", "carried out a decision of %(about)s"),
    "governance.delegation.revoked": NP_("done", "took back a delegation of their vote"),
    "governance.delegation.set": NP_("done", "delegated their vote"),
    "governance.population.reported": NP_("done", "reported its population"),
    "governance.proposal.cancelled": NP_("done", "withdrew the proposal %(about)s"),
    "governance.proposal.closed": NP_("done", "closed the vote on %(about)s"),
    "governance.proposal.drafted": NP_("done", "drafted the proposal %(about)s"),
    "governance.proposal.submitted": NP_("done", "opened the proposal %(about)s for discussion"),
    "governance.secret.opened": NP_("done", "opened the secret ballot on %(about)s"),
    "governance.teller.decrypted": NP_("done", "published their share of the count of %(about)s"),
    "governance.teller.key.published": NP_("done", "published a teller's key for %(about)s"),
    "governance.voting.opened": NP_("done", "opened the vote on %(about)s"),
    # membership
    "membership.application.approved": NP_("done", "approved an application to join"),
    "membership.application.declined": NP_("done", "declined an application to join"),
    "membership.application.submitted": NP_("done", "applied to join"),
    "membership.founder.admitted": NP_("done", "named a founding member"),
    "membership.guardians.set": NP_("done", "chose guardians for their key"),
    "membership.member.expelled": NP_("done", "expelled a member"),
    "membership.member.left": NP_("done", "left the node"),
    "membership.member.reinstated": NP_("done", "ended a member's suspension"),
    "membership.member.suspended": NP_("done", "suspended a member"),
    "membership.move.admitted": NP_("done", "admitted a member who moved here from another node"),
    "membership.move.requested": NP_("done", "moved to another node"),
    "membership.policy.set": NP_("done", "set how new members are admitted"),
    "membership.profile.erased": NP_("done", "erased a private profile"),
    "membership.recovery.cancelled": NP_("done", "withdrew a key recovery"),
    "membership.recovery.completed": NP_("done", "moved a member to their recovered key"),
    "membership.recovery.requested": NP_("done", "asked to replace a member's lost key"),
    "membership.recovery.vouched": NP_("done", "vouched for a member's new key"),
    "membership.role.defined": NP_("done", "defined a role"),
    "membership.role.granted": NP_("done", "gave a member a role"),
    "membership.role.revoked": NP_("done", "took back a member's role"),
    "membership.vouch.given": NP_("done", "vouched for an applicant"),
    # community credentials
    "credentials.endorsed": NP_("done", "endorsed a request for a credential"),
    "credentials.issued": NP_("done", "issued a community credential"),
    "credentials.requested": NP_("done", "asked for a community credential"),
    "credentials.revoked": NP_("done", "revoked a community credential"),
    # the node
    "node.created": NP_("done", "began its log and named itself %(about)s"),
    "node.profile.updated": NP_("done", "changed its public profile"),
    "notary.document.attested": NP_("done", "attested a document"),
    # places
    "places.place.closed": NP_("done", "recorded that the place %(about)s is no longer held"),
    "places.place.registered": NP_("done", "registered the place %(about)s"),
    "places.place.updated": NP_("done", "described the place %(about)s anew"),
    # translations of content
    "translations.translation.added": NP_("done", "added a translation"),
    # treasury
    "treasury.budget.set": NP_("done", "set a fund's budget"),
    "treasury.expense.approved": NP_("done", "approved the expense %(about)s"),
    "treasury.expense.cancelled": NP_("done", "cancelled the expense %(about)s"),
    "treasury.expense.drafted": NP_("done", "drafted the expense %(about)s"),
    "treasury.expense.paid": NP_("done", "paid the expense %(about)s"),
    "treasury.expense.rejected": NP_("done", "rejected the expense %(about)s"),
    "treasury.expense.submitted": NP_("done", "submitted the expense %(about)s for approval"),
    "treasury.fund.opened": NP_("done", "opened the fund %(about)s"),
    "treasury.income.recorded": NP_("done", "recorded income %(about)s"),
    "treasury.policy.set": NP_("done", "set how many treasurers approve an expense"),
    "treasury.transfer.sent": NP_("done", "sent money from their account"),
    "treasury.unit.declared": NP_("done", "declared a unit of account %(about)s"),
}


def told(event_type: str, about: str | None = None) -> str:
    """What an event of ``event_type`` did, in the current language, as the end of a sentence
    whose subject is its author: ``%(about)s`` becomes ``about`` in quotes, or is left out;
    an unknown type (an extension's without words) is said as "logged <type>"."""
    words = EVENT_WORDS.get(event_type)
    if words is None:
        return _("logged %(type)s", type=event_type)
    said = pgettext("done", words)
    if about:
        return said.replace(SLOT, quoted(about))
    before, _slot, after = said.partition(SLOT)
    kept = before.split()
    dangling = DANGLING_IN.get(current_language(), DANGLING)
    while kept and kept[-1] in dangling:
        kept.pop()
    return " ".join([*kept, *after.split()]).rstrip(":").rstrip()


def quoted(title: str) -> str:
    """A title in the quotation marks of the current language (“…” in English)."""
    return _("“%(title)s”", title=title)


DANGLING = frozenset({"on", "to", "of", "for", "in", "at", "into", "about", "the", "a"})
"""Words left hanging when an event names nothing: "cast a ballot on" says "cast a ballot"."""

DANGLING_IN: dict[str, frozenset[str]] = {
    "es": frozenset({"a", "al", "de", "del", "en", "para", "por", "sobre", "con", "la", "el"}),
    "fr": frozenset({"à", "au", "aux", "de", "du", "des", "en", "dans", "pour", "sur", "la", "le"}),
    "pt": frozenset({"a", "à", "ao", "de", "do", "da", "em", "no", "na", "para", "por", "sobre"}),
    "ar": frozenset({"على", "في", "إلى", "عن", "من", "بشأن", "حول", "لـ"}),
}
"""The same hanging words in each translation (the translations put ``%(about)s`` after them)."""
