"""Marking the domain's sentences for translation, without translating them here.

The domain is pure (no catalogue, no reader): a refusal or a notice written
``N_("there is no proposal %(key)s")`` is only marked, so the catalogues
(``python -m commonweal.web.catalogues update``) extract it; the web edge, a mail or the
command line says it in the reader's language (docs/languages.md).
"""


def N_(text: str) -> str:  # noqa: N802 - the gettext convention's name for "mark only"
    """``text`` itself, marked for the catalogues."""
    return text
