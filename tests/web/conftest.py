"""The page tests' shared fixtures (``tests/web/pages.py``)."""

from tests.web.pages import client, demo

__all__ = ["client", "demo"]
