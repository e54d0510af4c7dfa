"""Why a credential or presentation does not verify."""

from __future__ import annotations


class CredentialError(ValueError):
    """A credential problem with a stable ``code`` and a message for people.

    The message is a template with named parameters, never an f-string
    (``CredentialError("untrusted_issuer", "%(issuer)s is not on the trust list",
    issuer=issuer)``): ``message`` is it filled, in English (what the VC API and the
    W3C suites read), and ``template`` and ``params`` let a person's language say it
    (docs/languages.md). ``python -m commonweal.web.catalogues update`` extracts it.
    """

    def __init__(self, code: str, message: str, **params: object) -> None:
        said = message % params if params else message
        super().__init__(said)
        self.code = code
        self.message = said
        self.template = message
        self.params = params

    @classmethod
    def saying(cls, code: str, error: CredentialError) -> CredentialError:
        """A problem with ``code`` that says what ``error`` says (its template too)."""
        return cls(code, error.template, **error.params)
