"""The W3C examples context, which only the W3C fixtures use: read from the vectors, not shipped."""

from __future__ import annotations

import json

import pytest

from commonweal.core.vc import rdfc
from commonweal.core.vc.contexts import loader_with
from tests.vectors import find_vectors

EXAMPLES_V2 = "https://www.w3.org/ns/credentials/examples/v2"


@pytest.fixture(autouse=True)
def examples_context(monkeypatch: pytest.MonkeyPatch) -> None:
    """Canonicalization in these tests also knows the examples context, from the vectors."""
    path = find_vectors() / "identity" / "contexts" / "credentials-examples-v2.jsonld"
    loader = loader_with({EXAMPLES_V2: json.loads(path.read_text())})
    monkeypatch.setitem(rdfc.OPTIONS, "documentLoader", loader)
