"""The page scripts' messages, in the reader's language.

The scripts of ``static/js`` say things to people (progress, refusals, confirmations)
with ``t("…")`` and ``tn(singular, plural, n)`` of ``static/js/messages.js``. Each message
is marked here, so the catalogues hold it (``N_``; ``NN_`` for the two forms of one with a
count), and every page carries the translations into its reader's language as JSON in
``<script type="application/json" id="cw-messages">`` (base.html, :func:`page_messages`).
An English page carries none: a message's English is its key. A test checks that this list
and the scripts' messages are the same (tests/web/test_script_messages.py).
"""

from __future__ import annotations

import json
from functools import cache

from babel import Locale
from markupsafe import Markup

from commonweal.core.language import N_, SOURCE_LANGUAGE, current_language, translations


def NN_(singular: str, plural: str) -> tuple[str, str]:  # noqa: N802 - as N_, for ngettext
    """Mark the two English forms of a message with a count (``%(num)s``)."""
    return singular, plural


MESSAGES = (
    N_("(in your area)"),
    N_("(about %(km)s km from you)"),
    N_(
        "Distances are from your area %(area)s; showing what is within %(km)s km, and "
        "help given anywhere."
    ),
    N_("Distances are from your area %(area)s."),
    N_("Set your area to see how far each post is."),
    N_(
        "An area is a geohash of 1 to 5 characters (digits and the letters b–z without a, i, l, o)."
    ),
    N_("Your area is forgotten by this browser."),
    N_("This browser cannot tell its location; type your area instead."),
    N_("Asking this device where it is…"),
    N_("Your area is %(area)s, a cell about 5 km across. Only this browser knows it."),
    N_("The location was not shared; type your area instead."),
    N_(
        "You have not set your area in this browser yet: do it on the Mutual aid board, "
        "or type a geohash."
    ),
    N_("Say in a line what this is about."),
    N_("Roughly where is a geohash of at most 5 characters (about 5 km), never an address."),
    N_("Open until"),
    N_("Settle at least one minute, or settle it as a gift."),
    N_("Choose the unit of mutual credit."),
    N_(
        "This browser does not hold the key you signed in with, so it cannot read your "
        "messages. Restore your key on the Key page."
    ),
    N_("You"),
    N_("The other member"),
    N_("No messages yet. Say hello, and agree where and when."),
    N_("Write a message first."),
    N_("Signing and sending your message…"),
    N_("Your message is on its way: the node relays it, and its log keeps only a fingerprint."),
    N_("Post %(id)s"),
    N_("Reply"),
    N_("No messages yet about the help being worked out with you."),
    N_("The amount"),
    N_("%(what)s must be a number such as %(example)s."),
    N_("%(what)s has at most %(places)s decimal places."),
    N_("%(what)s is a whole number."),
    N_("%(what)s is too large."),
    N_("%(what)s must be more than zero."),
    N_("The time"),
    N_("%(what)s is not a date and time."),
    N_("%(what)s must be a whole number."),
    N_("The node answered %(status)s."),
    N_("The node could not be reached. Check your connection and try again."),
    N_("Only members can do this. If you have not joined yet, apply on the Join page."),
    N_("Your membership is suspended, so you cannot act until a steward reinstates you."),
    N_("Your roles do not allow this."),
    N_("Your device's clock seems to be ahead; set it to the right time and try again."),
    N_("The signature did not match: the event was changed after it was signed."),
    N_("This event was signed for another node."),
    N_("Voting on this proposal has ended."),
    N_("Give the campaign a title."),
    N_("The deadline"),
    N_("Say what each pledger will do."),
    N_("How many people must pledge"),
    N_("This node has declared no currency yet; a steward declares one in the treasury."),
    N_("The goal"),
    N_("The price"),
    N_("The bonus"),
    N_("Your pledge"),
    N_("This browser does not hold the key you signed in with. Restore your key on the Key page."),
    N_("the commitment is not SHA-256(salt ‖ your DID)"),
    N_("the tree is not the size of the count"),
    N_("the proof does not lead to the census's root"),
    N_("Checking…"),
    N_("Checked in your browser: you are counted (leaf %(leaf)s of %(size)s)."),
    N_("Not proven: %(why)s."),
    N_("Choose a time the calendar shows as free, or another unit."),
    N_("The rules on this page say how long, how far ahead and how many at once."),
    N_("Choose a start from now on (times are in UTC)."),
    N_("Ask a steward about the role, or see who may use it in the rules."),
    N_("Your standing page shows the sanction and how to appeal it."),
    N_("A steward or monitor brings it back into service after a report."),
    N_("The node draws the round as soon as entries close."),
    N_("Only its stewards may do this."),
    N_("Only its stewards and monitors may do this."),
    N_("Another steward, who had no part in the breach, decides this appeal."),
    N_("Put it to the assembly with a proposal instead."),
    N_("The time to appeal has passed."),
    N_("Reload the page: the deposit on record has changed."),
    N_("Give the %(field)s as a date and a time."),
    N_("%(text)s is not an amount (for example 20.00)."),
    N_("%(text)s has more than %(places)s decimal places."),
    N_("Choose at least one steward."),
    N_("The sanctions ladder needs at least one step."),
    N_("You cannot keep more than the deposit."),
    N_("Say why part of the deposit is kept."),
    N_("your time zone"),
    N_("In your time (%(zone)s): %(from)s to %(until)s."),
    N_("the seed differs"),
    N_("place %(place)s differs"),
    N_("the ticket of %(did)s differs"),
    N_("the winners are not in ticket order"),
    N_("The draw does not check out: %(problems)s."),
    N_(
        "The draw checks out: your browser recomputed the seed and all %(tickets)s "
        "tickets, and the winners come in ticket order."
    ),
    N_("%(what)s is needed."),
    N_("Requested: members may now endorse it."),
    N_("Give the member's did:key."),
    N_("Issued: the credential is the member's now."),
    N_("Your passport is issued."),
    N_("Signing with your key and sending…"),
    N_("Pick at least one credential."),
    N_("Choose at least one claim to show."),
    N_("Your credential is made: it shows only what you chose."),
    N_("Copied."),
    N_("Type the challenge and the domain the verifier gave you."),
    N_("This presentation is too large for one QR code; download it instead."),
    N_("Your presentation is signed."),
    N_("This browser holds no key yet. Create or restore your key on the Key page first."),
    N_("Done: it is signed and in the log."),
    N_("%(done)s (entry %(index)s)"),
    N_("It keeps no waitlist, so there is no place left."),
    N_("This gathering checks in only those with a place from an RSVP."),
    N_("Check the code you kept when you scheduled the gathering."),
    N_("Only its organisers may do this."),
    N_("Give when it starts as a date and a time."),
    N_("Give when it ends as a date and a time."),
    N_("Places must be a whole number (0 for no limit)."),
    N_("Type the code shown at the venue."),
    N_("The gathering is scheduled (entry %(index)s)."),
    N_("Show the code for the venue"),
    N_("Hide the code"),
    N_("Please give your name."),
    N_("Signing your application…"),
    N_("Your application is signed and logged."),
    N_("The link is copied."),
    N_("Choose a passphrase of at least 10 characters."),
    N_("The two passphrases differ."),
    N_("Creating your key and sealing its backup…"),
    N_(
        "Your key is ready and you are signed in. Download your backup file next (see the"
        " yellow note)."
    ),
    N_("Choose a file first."),
    N_("That file is too large to be a key file."),
    N_("Opening the key file…"),
    N_("Type the passphrase of this backup."),
    N_("Type a passphrase (at least 10 characters) to seal a backup of this key."),
    N_("Choose a passphrase of at least 10 characters to seal this key's backup."),
    N_("Your key is restored and you are signed in."),
    N_("The key is in this browser and you are signed in. Download its sealed backup now."),
    N_("That backup opens, but it holds another key than this browser's."),
    N_("Your backup opens with that passphrase and holds this key. Keep it safe."),
    N_("You have downloaded (or restored from) your backup file."),
    N_("Not downloaded yet — do it now: without it, losing this browser's data loses your key."),
    N_("Signed in with another key than this browser holds. Sign in again with this one."),
    N_("Your backup file is downloading. Keep it somewhere safe, away from this device."),
    N_("You are signed in."),
    N_("Remove your key from this browser? Without your backup file it is gone for good."),
    N_("The key is removed from this browser and you are signed out."),
    N_("This is not a Commonweal key file (it is not JSON)."),
    N_("This is not a Commonweal key file (it holds no Ed25519 key)."),
    N_("This key file holds no key."),
    N_(
        "This backup was sealed by the command line (scrypt), which browsers cannot open."
        " Run `commonweal wallet export --for-browser > key.json` and restore that file "
        "here."
    ),
    N_("This key file is sealed in a way this page does not know (%(kdf)s)."),
    N_("This key file holds no valid key."),
    N_("This key file is damaged: it names another key than it holds."),
    N_("This key file asks for an unusual amount of work; it was not opened."),
    N_("This key file uses an unknown cipher."),
    N_("That passphrase does not open this backup (or the file is damaged)."),
    N_("the verifier key is not the node's own key"),
    N_("the node has no signed checkpoint yet"),
    N_(
        "Not yet covered: the latest checkpoint holds %(size)s entries. Try again in a few seconds."
    ),
    N_("the author's signature on this entry does not verify"),
    N_("the entry's content does not hash to its leaf"),
    N_("the inclusion proof does not lead to the signed checkpoint"),
    N_(
        "Proven: signed by its author, and entry %(index)s of the log that the node "
        "signed at %(size)s entries."
    ),
    N_("Failed: %(why)s."),
    N_("Genuine: signed by this node's key, over %(size)s entries (root %(root)s…)."),
    N_(
        "%(what)s must be a number like 12.50: digits, and a dot before the decimals (no "
        "thousands separators)."
    ),
    N_("%(what)s is a whole number in this unit."),
    N_("Choose the unit first."),
    N_("Still reading the file to compute its digest; try again in a moment."),
    N_("Digest of %(file)s: %(digest)s"),
    N_("That file could not be read: %(why)s"),
    N_("Reading…"),
    N_("It matches receipt %(receipt)s: this is the document that was claimed."),
    N_("It matches none of the receipts (its digest is %(digest)s)."),
    N_("Item %(item)s"),
    N_("Amount of item %(item)s"),
    N_("Remove item %(item)s"),
    N_("Each item needs a name."),
    N_("The amount of %(item)s"),
    N_("Items so far: %(total)s."),
    N_("The items must add up to the amount."),
    N_("Your expense is saved as a draft (entry %(index)s)."),
    N_("Your expense is submitted for approval (entry %(index)s)."),
    N_(
        "Your expense is saved as a draft, but submitting it failed: %(why)s Submit it "
        "from this page."
    ),
    N_(
        "This node's constitution reserves recognition for a passed proposal: reload the "
        "page to draft one."
    ),
    N_("Another node is already recognised with that log or key."),
    N_("This node is not recognised now."),
    N_(
        "The identity document is not JSON: paste everything the other node's /.well-"
        "known/commonweal shows."
    ),
    N_("The identity document lacks %(fields)s."),
    N_("None yet."),
    N_("push"),
    N_("mail"),
    N_("waiting to retry (%(attempts)s failed: %(error)s)"),
    N_("%(host)s (since %(since)s)"),
    N_("This browser cannot receive pushes."),
    N_("Asking your browser…"),
    N_("This device receives pushes."),
    N_("This device no longer receives pushes."),
    N_("Signing…"),
    N_("Saved."),
    N_(
        "This page is not served over HTTPS, so your browser will not sign anything here."
        " Reading works; to act, open the node's https:// address."
    ),
    N_(
        "This browser does not let the page keep a key (private browsing or storage "
        "turned off). You can read everything, but not act."
    ),
    N_(
        "<strong>Your key has no backup yet.</strong> If this browser loses it, you lose "
        'your membership\'s key. <a href="/key#backup">Download your backup now</a>.'
    ),
    N_(
        "You are signed in, but this browser does not hold that key, so it cannot sign "
        'for you. <a href="/key">Restore your key or sign in again</a>.'
    ),
    N_("Rank at least one option."),
    N_("Choose one option first."),
    N_("Choose your position first."),
    N_("An objection needs its reason."),
    N_("Votes are whole numbers."),
    N_("These votes cost %(cost)s credits; you have %(credits)s."),
    N_("%(option)s is now number %(place)s of %(count)s."),
    N_("These votes cost %(cost)s of your %(credits)s voice credits (%(left)s left)."),
    N_(
        "This node was installed without the scripts that seal a ballot (make vendor): "
        "vote with the command line."
    ),
    N_("Your gift"),
    N_("This node has declared no currency yet; declare one in the treasury first."),
    N_("The matching pool"),
    N_("The closing time"),
    N_("The cap"),
    N_("This ballot does not fit the vote."),
    N_("This ballot is outside what the vote allows."),
    N_("The node has not signed your token yet; try again in a few seconds."),
    N_(
        "You took your token for this vote elsewhere (another browser, or the command "
        "line): cast your ballot there, it holds your token."
    ),
    N_("Taking your token: blinding it, then signing the request with your key…"),
    N_(
        "You hold your token. Casting in %(seconds)s s, so that the log's order does not "
        "link your ballot to your token request. Keep this page open."
    ),
    N_("You hold your token. Your ballot will be cast after a random wait; keep this page open."),
    N_("You have cast your sealed ballot already; it cannot be changed."),
    N_(
        "You hold your token, kept in this browser. Come back later to cast your ballot: "
        "the later, the harder to link."
    ),
    N_("Sealing your ballot and casting it with a one-time key…"),
    N_(
        "Your sealed ballot is entry %(index)s of the log, cast with a one-time key. Your"
        " receipt is kept in this browser."
    ),
    N_("You hold your token for this vote: casting now uses it, without waiting."),
    N_("The ballot at your receipt's entry is not yours: tell the node's stewards."),
    N_("Your ballot is entry %(index)s of the log, and it carries your token."),
    N_("It was spoiled (%(why)s) and not counted."),
    N_("It was decrypted as “%(ballot)s” and counted."),
    N_("It will be decrypted and counted after the vote closes."),
    N_("approve"),
    N_("nothing"),
    N_("then"),
    # A consent ballot's positions, as a ballot is said in words (secret-vote.js).
    N_("consent"),
    N_("stand aside"),
    N_("object"),
    N_("You cast “%(ballot)s” as entry %(index)s of the log (its nullifier: %(nullifier)s…)."),
    N_("That file is too large to be a credential."),
    N_("Read %(file)s. Press Verify."),
    N_("Signed in."),
    N_("the request expired"),
    N_("Not signed in: %(why)s. Reload the page to try again."),
    N_("The node cannot be reached; still trying…"),
)

PLURALS = (
    NN_(
        "%(num)s more is farther than %(km)s km from your area.",
        "%(num)s more are farther than %(km)s km from your area.",
    ),
    NN_(
        "%(what)s has at most %(num)s decimal place in this unit.",
        "%(what)s has at most %(num)s decimal places in this unit.",
    ),
    NN_(
        "Computed the digest in this browser; the file stays here.",
        "Computed %(num)s digests in this browser; the files stay here.",
    ),
)

# Counts that reach every plural category of the languages spoken (CLDR).
_SAMPLES = (*range(0, 112), 1_000_000)


@cache
def messages_of(language: str) -> str:
    """The JSON the scripts read for ``language``: ``{"messages": {english: translated},
    "plurals": {singular: {category: form}}}``, each CLDR plural category (``one``,
    ``few``, …, as ``Intl.PluralRules`` names it) with its form. Only what differs from
    the English is given; ``<`` is escaped so the text cannot close its script element."""
    if language == SOURCE_LANGUAGE:
        return "{}"
    catalogue = translations(language)
    said = {m: catalogue.gettext(m) for m in MESSAGES}
    plural_form = Locale.parse(language).plural_form
    forms: dict[str, dict[str, str]] = {}
    for singular, plural in PLURALS:
        by_category: dict[str, str] = {}
        for n in _SAMPLES:
            by_category.setdefault(plural_form(n), catalogue.ngettext(singular, plural, n))
        if by_category.get("one", singular) != singular or by_category.get("other") != plural:
            forms[singular] = by_category
    document = {
        "messages": {m: text for m, text in said.items() if text and text != m},
        "plurals": forms,
    }
    return json.dumps(document, ensure_ascii=False, sort_keys=True).replace("<", "\\u003c")


def page_messages() -> Markup:
    """The scripts' messages in the language being spoken, for base.html's JSON element."""
    return Markup(messages_of(current_language()))  # JSON, with "<" escaped
