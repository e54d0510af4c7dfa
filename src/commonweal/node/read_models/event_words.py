"""What each kind of logged event says, as the end of a sentence whose subject is its author:
"Amara Okafor" + "cast a ballot on “Quiet hours”". One entry per registered event type
(tests/node/test_event_words.py checks that every type of the program has one).

``{about}`` stands for what the event is about (a proposal's or a post's title, in quotes),
or is left out when the event names nothing with a title.
"""

from __future__ import annotations

EVENT_WORDS: dict[str, str] = {
    # aid
    "aid.claim.released": "released their claim on {about}",
    "aid.message.relayed": "relayed a message about {about}",
    "aid.offer.claimed": "took up the offer {about}",
    "aid.offer.posted": "offered help: {about}",
    "aid.post.fulfilled": "recorded that help was given for {about}",
    "aid.post.settled": "settled the help received for {about}",
    "aid.post.withdrawn": "withdrew the aid post {about}",
    "aid.request.answered": "answered the request {about}",
    "aid.request.posted": "asked for help: {about}",
    # campaigns
    "campaigns.campaign.cancelled": "cancelled the campaign {about}",
    "campaigns.campaign.carried": "carried another node's network campaign {about}",
    "campaigns.campaign.closed": "closed the campaign {about}",
    "campaigns.campaign.launched": "launched the campaign {about}",
    "campaigns.carried.closed": "closed its copy of the carried campaign {about}",
    "campaigns.carried.settled": "settled the carried campaign {about}",
    "campaigns.pledge.made": "pledged to the campaign {about}",
    "campaigns.pledge.withdrawn": "withdrew a pledge to the campaign {about}",
    "campaigns.pledgers.progress": "reported how many pledged to {about}",
    "campaigns.pledgers.reported": "reported its pledgers to the network campaign {about}",
    # census
    "census.network.counted": "counted the network census",
    "census.people.committed": "committed to the people its census counted",
    "census.requested": "asked for a census",
    "census.taken": "took the census",
    # commons
    "commons.appeal.decided": "decided an appeal against a sanction",
    "commons.appeal.filed": "appealed a sanction",
    "commons.booking.cancelled": "cancelled a booking of {about}",
    "commons.booking.made": "made a booking of {about}",
    "commons.breach.reported": "reported a breach of the rules of {about}",
    "commons.condition.reported": "reported the condition of {about}",
    "commons.deposit.received": "recorded a deposit received for {about}",
    "commons.deposit.returned": "recorded a deposit returned for {about}",
    "commons.resource.registered": "registered the shared resource {about}",
    "commons.resource.updated": "described the shared resource {about} anew",
    "commons.round.allocated": "allocated the round for {about}",
    "commons.round.entered": "entered the allocation round for {about}",
    "commons.round.opened": "opened an allocation round for {about}",
    # mutual credit
    "credit.clearing.completed": "set off cycles of debts between members",
    "credit.demurrage.charged": "charged demurrage on positive balances",
    "credit.obligation.forgiven": "forgave a debt",
    "credit.obligation.recorded": "recorded a debt to another member",
    "credit.obligation.settled": "paid a debt",
    "credit.policy.set": "set a unit's credit limits and demurrage",
    # federation
    "federation.alliance_call.requested": "asked the node to call a network vote {about}",
    "federation.network_vote.called": "called the network vote {about}",
    "federation.network_vote.closed": "closed the network vote {about}",
    "federation.peer.requested": "asked the node to fetch another node's identity",
    "federation.precinct.ballot.cast": "voted in the network vote {about}",
    "federation.precinct.closed": "closed its precinct of the network vote {about}",
    "federation.precinct.opened": "opened its precinct of the network vote {about}",
    "federation.recognition.granted": "recognised another node {about}",
    "federation.recognition.withdrawn": "withdrew its recognition of another node {about}",
    "federation.request.done": "recorded what came of a steward's network request",
    "federation.subtotal.people": "sent the next part of its precinct's people",
    "federation.subtotal.reported": "reported its precinct's subtotal",
    "federation.sync.requested": "asked the node to sync with its peers now",
    "federation.visitor.admitted": "admitted a member of a recognised node as a visitor",
    "federation.visitor.departed": "ended a visit",
    # funding
    "funding.contribution.made": "contributed to a project {about}",
    "funding.pool.funded": "added funds to the pool {about}",
    "funding.pool.opened": "opened the conviction-voting pool {about}",
    "funding.project.entered": "entered the project {about} in a round",
    "funding.proposal.executed": "paid the pool proposal {about}",
    "funding.proposal.submitted": "asked a pool for funds: {about}",
    "funding.proposal.withdrawn": "withdrew the pool proposal {about}",
    "funding.round.closed": "closed the funding round {about}",
    "funding.round.opened": "opened the funding round {about}",
    "funding.stake.set": "set their stake on {about}",
    # gatherings
    "gatherings.attendee.checked_in": "checked in an attendee at {about}",
    "gatherings.checkin.claimed": "checked in at the gathering {about}",
    "gatherings.code.revealed": "revealed the check-in code of {about}",
    "gatherings.gathering.cancelled": "cancelled the gathering {about}",
    "gatherings.gathering.scheduled": "scheduled the gathering {about}",
    "gatherings.rsvp.given": "answered the invitation to {about}",
    # governance
    "governance.alternative.added": "put forward an alternative to {about}",
    "governance.alternative.revised": "revised an alternative of {about}",
    "governance.alternative.withdrawn": "withdrew an alternative of {about}",
    "governance.amendment.accepted": "took an amendment into {about}",
    "governance.amendment.proposed": "proposed an amendment to {about}",
    "governance.amendment.rejected": "declined an amendment to {about}",
    "governance.ballot.cast": "cast a ballot on {about}",
    "governance.ballot.sealed": "cast a sealed ballot on {about}",
    "governance.ballot.token.issued": "signed a voter's blinded token for {about}",
    "governance.ballot.token.requested": "asked for a secret ballot's token for {about}",
    "governance.ballot.withdrawn": "took back their ballot on {about}",
    "governance.comment.posted": "commented on {about}",
    "governance.constitution.adopted": "adopted the constitution",
    "governance.decision.executed": "carried out a decision of {about}",
    "governance.delegation.revoked": "took back a delegation of their vote",
    "governance.delegation.set": "delegated their vote",
    "governance.population.reported": "reported its population",
    "governance.proposal.cancelled": "withdrew the proposal {about}",
    "governance.proposal.closed": "closed the vote on {about}",
    "governance.proposal.drafted": "drafted the proposal {about}",
    "governance.proposal.submitted": "opened the proposal {about} for discussion",
    "governance.secret.opened": "opened the secret ballot on {about}",
    "governance.teller.decrypted": "published their share of the count of {about}",
    "governance.teller.key.published": "published a teller's key for {about}",
    "governance.voting.opened": "opened the vote on {about}",
    # membership
    "membership.application.approved": "approved an application to join",
    "membership.application.declined": "declined an application to join",
    "membership.application.submitted": "applied to join",
    "membership.founder.admitted": "named a founding member",
    "membership.guardians.set": "chose guardians for their key",
    "membership.member.expelled": "expelled a member",
    "membership.member.left": "left the node",
    "membership.member.reinstated": "ended a member's suspension",
    "membership.member.suspended": "suspended a member",
    "membership.move.admitted": "admitted a member who moved here from another node",
    "membership.move.requested": "moved to another node",
    "membership.policy.set": "set how new members are admitted",
    "membership.profile.erased": "erased a private profile",
    "membership.recovery.cancelled": "withdrew a key recovery",
    "membership.recovery.completed": "moved a member to their recovered key",
    "membership.recovery.requested": "asked to replace a member's lost key",
    "membership.recovery.vouched": "vouched for a member's new key",
    "membership.role.defined": "defined a role",
    "membership.role.granted": "gave a member a role",
    "membership.role.revoked": "took back a member's role",
    "membership.vouch.given": "vouched for an applicant",
    # community credentials
    "credentials.endorsed": "endorsed a request for a credential",
    "credentials.issued": "issued a community credential",
    "credentials.requested": "asked for a community credential",
    "credentials.revoked": "revoked a community credential",
    # the node
    "node.created": "began its log and named itself {about}",
    "node.profile.updated": "changed its public profile",
    "notary.document.attested": "attested a document",
    # places
    "places.place.closed": "recorded that the place {about} is no longer held",
    "places.place.registered": "registered the place {about}",
    "places.place.updated": "described the place {about} anew",
    # translations of content
    "translations.translation.added": "added a translation",
    # treasury
    "treasury.budget.set": "set a fund's budget",
    "treasury.expense.approved": "approved the expense {about}",
    "treasury.expense.cancelled": "cancelled the expense {about}",
    "treasury.expense.drafted": "drafted the expense {about}",
    "treasury.expense.paid": "paid the expense {about}",
    "treasury.expense.rejected": "rejected the expense {about}",
    "treasury.expense.submitted": "submitted the expense {about} for approval",
    "treasury.fund.opened": "opened the fund {about}",
    "treasury.income.recorded": "recorded income {about}",
    "treasury.policy.set": "set how many treasurers approve an expense",
    "treasury.transfer.sent": "sent money from their account",
    "treasury.unit.declared": "declared a unit of account {about}",
}


def told(event_type: str, about: str | None = None) -> str:
    """What an event of ``event_type`` did, as the end of a sentence whose subject is its
    author: ``{about}`` becomes ``about`` in quotes, or is left out; an unknown type (an
    extension's without words) is said as "logged <type>"."""
    words = EVENT_WORDS.get(event_type)
    if words is None:
        return f"logged {event_type}"
    if about:
        return words.replace("{about}", f"“{about}”")
    before, _slot, after = words.partition("{about}")
    kept = before.split()
    while kept and kept[-1] in DANGLING:
        kept.pop()
    return " ".join([*kept, *after.split()]).rstrip(":")


DANGLING = frozenset({"on", "to", "of", "for", "in", "at", "into", "about", "the", "a"})
"""Words left hanging when an event names nothing: "cast a ballot on" says "cast a ballot"."""
