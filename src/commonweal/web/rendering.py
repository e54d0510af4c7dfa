"""Rendering pages: the templates, their filters, the site's navigation, and who is looking.

Every page goes through :func:`render`, which adds what ``base.html`` needs: the
node, its profile, the navigation, and the signed-in viewer (``me``: their DID,
status, roles and permissions, or None). The navigation is the app's
(``app.state.navigation``), assembled from every capability's links (see docs/web.md).
"""

from __future__ import annotations

import base64
import inspect
import re
from collections.abc import Callable, Coroutine, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from fastapi.routing import APIRoute
from fastapi.templating import Jinja2Templates
from markupsafe import Markup

from commonweal.node.kernel import queries
from commonweal.node.kernel.errors import Rejected
from commonweal.node.kernel.movable_clock import MovableClock
from commonweal.node.kernel.public_url import public_url_of
from commonweal.node.kernel.service import Node
from commonweal.node.read_models import standing
from commonweal.node.read_models.event_words import quoted, told
from commonweal.node.read_models.names import Names
from commonweal.node.read_models.permission_words import permission_words
from commonweal.node.services.notifications import preferences_of
from commonweal.store.notification_store import NotificationStore
from commonweal.web import i18n, local_format
from commonweal.web.bounds import Id
from commonweal.web.i18n import LANGUAGE_COOKIE, LANGUAGES, N_, ZONE_COOKIE, Reader
from commonweal.web.problem_words import RefusalDetail
from commonweal.web.problems import rejection_for
from commonweal.web.script_messages import page_messages
from commonweal.web.session import member_did

TEMPLATES = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))
# Text a person reads is written ``{{ _("…") }}`` (new-style gettext: ``_("%(n)s left", n=3)``),
# given in the reader's language from the catalogues (web/i18n.py, docs/languages.md).
TEMPLATES.env.add_extension("jinja2.ext.i18n")
i18n.install(TEMPLATES.env)


def _short(text: str, n: int = 16) -> str:
    return text if len(text) <= n + 1 else text[:n] + "…"


def _when(text: str) -> str:
    """A log time in the reader's time zone and words, the zone named."""
    return local_format.when(text, i18n.current())


def _did_short(did: str) -> str:
    """``did:key:z6MkhaXg…Qv2M``: enough to tell keys apart at a glance."""
    if did.startswith("did:key:") and len(did) > 24:
        return did[8:16] + "…" + did[-4:]
    return did


def _sentence(text: str) -> str:
    """First letter up, a full stop at the end: the API's details read as sentences (a
    refusal's detail or a read model's sentence first said in the page's language)."""
    speak = getattr(text, "translated", None)
    text = (speak() if callable(speak) else text).strip()
    if not text:
        return text
    text = text[0].upper() + text[1:]
    return text if text[-1] in ".!?" else text + "."


TEMPLATES.env.filters["sentence"] = _sentence
TEMPLATES.env.filters["b64"] = lambda value: base64.b64encode(value).decode()
TEMPLATES.env.filters["short"] = _short
TEMPLATES.env.filters["when"] = _when
TEMPLATES.env.filters["did_short"] = _did_short
TEMPLATES.env.globals["told"] = told
TEMPLATES.env.globals["quoted"] = quoted
TEMPLATES.env.globals["script_messages"] = page_messages
TEMPLATES.env.filters["permission_words"] = permission_words


def _time_tag(text: str) -> Markup:
    """``<time datetime="…">`` around a log time as the reader reads it (to go inside a
    translated sentence: ``_("from %(start)s", start=time_tag(t))``)."""
    return Markup('<time datetime="{}">{}</time>').format(text, _when(text))


TEMPLATES.env.globals["time_tag"] = _time_tag


PAGE_HEADERS = {
    # Only the node's own scripts and styles run on its pages: an injected script could
    # not load, so it could neither use the member's key nor copy the sealed backup.
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}


@dataclass(frozen=True)
class NavLink:
    """A link in the main navigation; ``member_only`` links show to members in good standing
    (not to applicants, who could not use what they lead to)."""

    label: str  # English, marked for the catalogues (NavEntry's label); shown translated
    href: str
    member_only: bool = False
    permission: str | None = None


def viewer(request: Request, node: Node) -> dict[str, Any] | None:
    """The signed-in person looking at the page, or None."""
    did = member_did(request)
    return standing.viewer(node, did) if did else None


def page_for_viewer(
    request: Request, node: Node, template: str, view: Callable[..., dict[str, Any]], *about: Any
) -> HTMLResponse:
    """Render ``template`` with ``view(node, *about, did)``: a page about one thing, shown as
    the person looking at it (``did``, None for a visitor) may act on it."""
    me = viewer(request, node)
    with speaking_to_reader(request, node, me):
        context = view(node, *about, me["did"] if me else None)
    return render(request, node, template, context, me=me)


def viewer_page(
    pages: APIRouter,
    node: Node,
    path: str,
    name: str,
    template: str,
    view: Callable[..., dict[str, Any]],
) -> None:
    """Serve ``GET path`` as a page about the things its path names (each an :data:`Id`, in
    order), shown as the person looking at it may act on it: :func:`page_for_viewer` of
    ``template`` and ``view``. ``name`` names the route."""
    about = re.findall(r"{(\w+)}", path)

    def endpoint(request: Request, **values: Any) -> HTMLResponse:
        return page_for_viewer(request, node, template, view, *(values[p] for p in about))

    kind = inspect.Parameter.POSITIONAL_OR_KEYWORD
    endpoint.__signature__ = inspect.Signature(  # type: ignore[attr-defined]
        [
            inspect.Parameter("request", kind, annotation=Request),
            *(inspect.Parameter(p, kind, annotation=Id) for p in about),
        ],
        return_annotation=HTMLResponse,
    )
    endpoint.__name__ = endpoint.__qualname__ = name
    pages.add_api_route(path, endpoint, methods=["GET"], response_class=HTMLResponse, name=name)


def visible_links(links: Iterable[NavLink], me: dict[str, Any] | None) -> list[NavLink]:
    """The navigation this viewer sees, of ``links`` (the app's, in order)."""
    shown = []
    for link in links:
        if link.member_only and not (me and me["active"]):
            continue
        if link.permission and not (me and link.permission in me["permissions"]):
            continue
        shown.append(link)
    return shown


def kept_preferences(node: Node, me: dict[str, Any] | None) -> dict[str, Any] | None:
    """The signed-in member's notification preferences, if they ever set any."""
    return preferences_of(NotificationStore(node.store), me["did"]) if me else None


def reader_of(
    request: Request,
    node: Node,
    me: dict[str, Any] | None,
    preferences: dict[str, Any] | None = None,
) -> Reader:
    """Who the page is for: language and time zone (see web/i18n.py for the order)."""
    return i18n.choose_reader(
        chosen=request.cookies.get(LANGUAGE_COOKIE),
        preferences=preferences if preferences is not None else kept_preferences(node, me),
        accept_language=request.headers.get("accept-language"),
        browser_zone=request.cookies.get(ZONE_COOKIE),
    )


@contextmanager
def speaking_to_reader(request: Request, node: Node, me: dict[str, Any] | None) -> Iterator[Reader]:
    """Inside the block, speak the page's reader's language: what the page's handler asks of
    the read models (sentences such as a home page's activity) is said in it. :func:`render`
    then renders for the same reader."""
    preferences = kept_preferences(node, me)
    reader = reader_of(request, node, me, preferences)
    request.state.reader = (preferences, reader)
    with i18n.reading_as(reader):
        yield reader


def render(
    request: Request,
    node: Node,
    template: str,
    context: dict[str, Any] | None = None,
    *,
    status: int = 200,
    me: dict[str, Any] | None = None,
) -> HTMLResponse:
    """Render ``template`` with the page's own ``context`` and what every page needs."""
    me = me if me is not None else viewer(request, node)
    chosen = getattr(request.state, "reader", None)
    if chosen is not None:
        preferences, reader = chosen
    else:
        preferences = kept_preferences(node, me)
        reader = reader_of(request, node, me, preferences)
    clock = node.clock
    page = {
        "reader": reader,
        "preferences_kept": preferences is not None,
        "languages": LANGUAGES,
        "zone_name": local_format.zone_name(reader),
        "node": node,
        "profile": queries.profile(node),
        "public_url": public_url_of(node),
        "me": me,
        "nav": visible_links(getattr(request.app.state, "navigation", ()), me),
        "path": request.url.path,
        "test_clock": clock.offset if isinstance(clock, MovableClock) else None,
        # who(did): the name a member shows, or None; the node's own DIDs are not members
        "who": Names(node),
        "node_dids": (node.identity.did, node.identity.key_did),
        **(context or {}),
    }
    with i18n.reading_as(reader):
        response = TEMPLATES.TemplateResponse(request, template, page, status_code=status)
    response.headers.update(PAGE_HEADERS)
    response.headers["Content-Language"] = reader.language
    response.headers["Vary"] = "Accept-Language, Cookie"
    return response


# A member's standing as the pages name it ({{ _(me.status) }}, and the words of
# node/read_models/standing.py's STATUS_WORDS, translated where they are shown).
STATUS_WORDS = (
    N_("applicant"),
    N_("member"),
    N_("suspended"),
    N_("expelled"),
    N_("left"),
    N_("declined"),
    N_("member in good standing"),
    N_("former member (left)"),
    N_("application declined"),
    N_("moved to a new key"),
    N_("moved to another node"),
)

ERROR_WORDS = {
    400: N_("That request was not understood"),
    401: N_("You need to sign in"),
    403: N_("That is not allowed"),
    404: N_("Not found"),
    409: N_("That cannot be done now"),
    422: N_("That cannot be done"),
}


class SignInNeeded(Exception):
    """The page is about the viewer, who is not signed in."""

    def __init__(self, doing: str) -> None:
        super().__init__(doing)
        self.doing = doing


def signed_in(request: Request, node: Node, doing: str) -> dict[str, Any]:
    """The viewer, or ``SignInNeeded`` (rendered as a page that says how to sign in)."""
    me = viewer(request, node)
    if me is None:
        raise SignInNeeded(doing)
    return me


class PageRoute(APIRoute):
    """A page route: a refusal renders as an error page instead of a problem document."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handle = super().get_route_handler()

        async def page(request: Request) -> Response:
            try:
                return await handle(request)
            except SignInNeeded as needed:
                return render(
                    request,
                    request.app.state.node,
                    "sign-in-needed.html",
                    {"doing": needed.doing},
                    status=401,
                )
            except Rejected as refused:
                node: Node = request.app.state.node
                status = rejection_for(request, refused).status_code
                return render(
                    request,
                    node,
                    "error.html",
                    {
                        "heading": ERROR_WORDS.get(status, N_("Something went wrong")),
                        "detail": RefusalDetail(refused),
                        "code": refused.code,
                    },
                    status=status,
                )

        return page


def page_router() -> APIRouter:
    """An ``APIRouter`` for pages (see :class:`PageRoute`)."""
    return APIRouter(route_class=PageRoute, include_in_schema=False)
