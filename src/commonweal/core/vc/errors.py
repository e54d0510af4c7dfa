"""Why a credential or presentation does not verify."""

from __future__ import annotations


class CredentialError(ValueError):
    """A credential problem with a stable ``code`` and a message for people."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
