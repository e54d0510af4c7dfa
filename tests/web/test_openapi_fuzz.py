"""schemathesis against the node's own OpenAPI document, served by a real ``commonweal
serve`` on 127.0.0.1: a bounded number of generated requests per operation, valid and
invalid, and none may answer 500.

Checks chosen: ``not_a_server_error`` (schemathesis's own) on every response, and our own
:func:`refusals_are_problems`: every 4xx/5xx of the API is an RFC 9457 problem document
(``application/problem+json`` with type, title, status, code and detail) whose status is
the response's. schemathesis's ``status_code_conformance``, ``content_type_conformance``
and ``response_schema_conformance`` are not run: the routes answer raw ``Response``s whose
bodies the document does not describe (tiles are bytes, problems are 400 not FastAPI's
422), so those checks would only restate that. ``negative_data_rejection`` is covered by
asserting invalid requests are answered 4xx.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import orjson
import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode

from commonweal.node.kernel.setup import init_node
from tests.server import ServerProcess

EXAMPLES_PER_OPERATION = 12
"""Per operation and mode: ~96 operations x 2 modes x 12 keeps the run near 30-60 s."""


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    """A fresh node served by ``commonweal serve`` on 127.0.0.1."""
    data_dir = tmp_path_factory.mktemp("fuzz") / "node"
    init_node(data_dir, name="Fuzzed Commons").close()
    process = ServerProcess(data_dir).start()
    yield process
    process.stop()


@pytest.fixture
def client(server: ServerProcess) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.url, timeout=10) as http:
        yield http


def header(response: Any, name: str) -> str:
    """A header of a schemathesis response (its headers map names to lists of values)."""
    value = response.headers.get(name, "")
    return str(value[0] if isinstance(value, list) and value else value)


def refusals_are_problems(response: Any, operation: str) -> None:
    """A refusal from the API is a problem document that says what is wrong."""
    if response.status_code < 400:
        return
    assert header(response, "content-type").startswith("application/problem+json"), (
        f"{operation} answered {response.status_code} without a problem document"
    )
    document = orjson.loads(response.content)
    assert document["status"] == response.status_code, operation
    assert {"type", "title", "code", "detail"} <= set(document), operation
    assert document["detail"], operation


def _operations(server: ServerProcess) -> list[Any]:
    schema = schemathesis.openapi.from_url(server.url + "/openapi.json")
    return [result.ok() for result in schema.get_all_operations()]


def _can_be_made_invalid(operation: Any) -> bool:
    """Whether some parameter has a type or range a request can break (a path's plain
    string cannot: Hypothesis would search in vain for an invalid one)."""
    for parameter in (*operation.path_parameters, *operation.query):
        schema = _schema_of(parameter.definition)
        if schema.get("type") != "string" or set(schema) & {"enum", "pattern", "maxLength"}:
            return True
    return False


def _schema_of(definition: dict[str, Any]) -> dict[str, Any]:
    schema = definition.get("schema", {})
    for option in schema.get("anyOf", ()):  # an optional parameter: its non-null type
        if option.get("type") != "null":
            return dict(option)
    return dict(schema)


def _fuzz(
    server: ServerProcess, session: requests.Session, operation: Any, mode: GenerationMode
) -> list[str]:
    """Up to EXAMPLES_PER_OPERATION generated requests to ``operation``; what went wrong."""
    failures: list[str] = []
    if mode is GenerationMode.NEGATIVE and not _can_be_made_invalid(operation):
        return failures
    strategy = operation.as_strategy(generation_mode=mode)

    @settings(
        max_examples=EXAMPLES_PER_OPERATION,
        deadline=None,
        database=None,
        derandomize=True,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(data=st.data())
    def run(data: st.DataObject) -> None:
        case = data.draw(strategy)
        response = case.call(base_url=server.url, session=session, timeout=10)
        label = f"{case.method} {case.formatted_path} {case.query or ''}"
        if response.status_code >= 500:
            failures.append(f"{label} -> {response.status_code} {response.text[:200]}")
            return
        if header(response, "x-content-type-options") != "nosniff":
            failures.append(f"{label}: no X-Content-Type-Options")
        try:
            refusals_are_problems(response, label)
        except AssertionError as error:
            failures.append(f"{label}: {error}")

    try:
        run()
    except Unsatisfiable:  # nothing to make invalid (an operation without parameters)
        assert mode is GenerationMode.NEGATIVE, operation.label
    except Exception as error:  # a transport error is a failure too, named
        failures.append(f"{operation.label}: {type(error).__name__}: {error}")
    return failures


@pytest.mark.slow
@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_no_generated_request_gets_a_server_error(
    server: ServerProcess, mode: GenerationMode
) -> None:
    operations = _operations(server)
    assert len(operations) > 80  # the whole API is described, not a fraction of it
    with requests.Session() as session:  # one kept-alive connection, not one per request
        failures = [f for op in operations for f in _fuzz(server, session, op, mode)]
    assert failures == []


def test_the_start_past_2_to_the_63_is_a_400_problem_not_a_500(client: httpx.Client) -> None:
    response = client.get("/v1/events", params={"start": 2**63})
    assert response.status_code == 400
    assert response.headers["content-type"].startswith("application/problem+json")
    assert "start" in response.json()["detail"]
    for path in ("/v1/events/9223372036854775808", "/v1/receipts/9007199254740992"):
        refused = client.get(path)
        assert refused.status_code == 400, path
    assert client.get("/v1/proof/inclusion", params={"index": 2**64}).status_code == 400
    assert client.get("/v1/events", params={"start": 2**53 - 1}).status_code == 200


def test_a_content_length_of_ten_thousand_digits_is_refused_as_too_large() -> None:
    from commonweal.web.api import _declares_more_than

    assert _declares_more_than("9" * 10_000, 65_536)
    assert not _declares_more_than("²", 10)  # not ASCII digits: the body's own count decides
    assert not _declares_more_than("000065536", 65_536)


def test_openapi_document_states_the_ranges(client: httpx.Client) -> None:
    document = client.get("/openapi.json").json()
    start = next(
        p for p in document["paths"]["/v1/events"]["get"]["parameters"] if p["name"] == "start"
    )
    assert start["schema"]["maximum"] == 2**53 - 1 and start["schema"]["minimum"] == 0
    index = document["paths"]["/v1/events/{index}"]["get"]["parameters"][0]
    assert index["schema"]["maximum"] == 2**53 - 1


def test_every_integer_parameter_has_a_documented_range(client: httpx.Client) -> None:
    document = client.get("/openapi.json").json()
    unbounded = []
    for path, item in document["paths"].items():
        for method, operation in item.items():
            for parameter in operation.get("parameters", ()):
                schema = _schema_of(parameter)
                if schema.get("type") == "integer" and not {"minimum", "maximum"} <= set(schema):
                    unbounded.append(f"{method.upper()} {path} {parameter['name']}")
    assert unbounded == []
