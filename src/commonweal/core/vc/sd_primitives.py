"""The selective-disclosure functions of VC Data Integrity ECDSA Cryptosuites v1.0 §3.4.

Skolemizing a compact JSON-LD document, selecting parts of it with JSON Pointers,
canonicalizing (RDFC-1.0 with pyld) while replacing blank node labels through a
label map, and grouping the canonical N-Quads by selection. N-Quads are handled
as parsed quads, never rewritten with regular expressions, so a literal that looks
like a blank node or a skolem IRI is left alone.
"""

from __future__ import annotations

import copy
import hashlib
import hmac
import uuid
from collections.abc import Callable, Mapping
from typing import Any

from pyld import jsonld
from pyld.canon import URDNA2015
from pyld.nquads import parse_nquads, serialize_nquad

from commonweal.core.vc.contexts import DocumentLoader, document_loader
from commonweal.core.vc.errors import CredentialError
from commonweal.core.vc.multibase64 import encode_u

URN_SCHEME = "custom-scheme:"
SKOLEM_PREFIX = "urn:" + URN_SCHEME
NQUADS = "application/n-quads"

LabelMapFactory = Callable[[Mapping[str, str]], dict[str, str]]
"""From a canonical id map (input label → ``c14nN``) to a new label map (input label → label)."""


def options(loader: DocumentLoader | None) -> dict[str, Any]:
    """pyld options: the frozen loader (or the one given), no base IRI."""
    return {"documentLoader": loader or document_loader, "base": None}


def hmac_label_map_factory(key: bytes) -> LabelMapFactory:
    """Labels ``u`` + base64url(HMAC-SHA-256(key, canonical label)) (§3.4.4)."""

    def factory(canonical_ids: Mapping[str, str]) -> dict[str, str]:
        return {
            old: encode_u(hmac.new(key, new.encode(), hashlib.sha256).digest())
            for old, new in canonical_ids.items()
        }

    return factory


def label_map_factory(label_map: Mapping[str, str]) -> LabelMapFactory:
    """Labels taken from ``label_map`` (``c14nN`` → label), as a verifier does (§3.4.3)."""

    def factory(canonical_ids: Mapping[str, str]) -> dict[str, str]:
        try:
            return {old: label_map[new] for old, new in canonical_ids.items()}
        except KeyError as missing:
            raise CredentialError(
                "PROOF_VERIFICATION_ERROR",
                "the proof's label map lacks %(label)s",
                label=missing.args[0],
            ) from None

    return factory


def canonical_ids(nquads: list[str]) -> tuple[list[str], dict[str, str]]:
    """RDFC-1.0 of ``nquads``: the canonical N-Quads and the canonical id map
    (input blank node label → ``c14nN``, both without ``_:``)."""
    canon = URDNA2015()
    try:
        output: str = canon.main(parse_nquads("".join(nquads)), {"format": NQUADS})
    except jsonld.JsonLdError as error:
        raise CredentialError(
            "canonicalization_error", "RDFC-1.0 failed: %(error)s", error=str(error)
        ) from None
    mapping = {old[2:]: new[2:] for old, new in canon.canonical_issuer.existing.items()}
    return output.splitlines(keepends=True), mapping


def label_replacement_canonicalize(
    nquads: list[str], factory: LabelMapFactory
) -> tuple[list[str], dict[str, str]]:
    """Canonical N-Quads with labels replaced through ``factory``, sorted; and the label map
    (input label → new label) (§3.4.1)."""
    canonical, ids = canonical_ids(nquads)
    label_map = factory(ids)
    by_canonical = {ids[old]: new for old, new in label_map.items()}
    return sorted(relabel(canonical, by_canonical)), label_map


def to_nquads(document: Any, loader: DocumentLoader | None) -> list[str]:
    """The document's RDF as N-Quad lines (Deserialize JSON-LD to RDF)."""
    try:
        text: str = jsonld.to_rdf(copy.deepcopy(document), {**options(loader), "format": NQUADS})
    except jsonld.JsonLdError as error:
        raise CredentialError(
            "canonicalization_error", "JSON-LD to RDF failed: %(error)s", error=str(error)
        ) from None
    return text.splitlines(keepends=True)


def relabel(nquads: list[str], label_map: Mapping[str, str]) -> list[str]:
    """Each quad with its blank node labels replaced through ``label_map`` (§3.4.15)."""

    def rename(label: str) -> str:
        try:
            return "_:" + label_map[label[2:]]
        except KeyError:
            raise CredentialError(
                "PROOF_VERIFICATION_ERROR",
                "no label is given for blank node %(label)s",
                label=label,
            ) from None

    return _map_quads(nquads, blank=rename)


def deskolemize(nquads: list[str]) -> list[str]:
    """Skolem IRIs ``urn:custom-scheme:X`` back to blank nodes ``_:X`` (§3.4.6)."""
    return _map_quads(nquads, iri=lambda i: "_:" + i[len(SKOLEM_PREFIX) :])


def _map_quads(
    nquads: list[str],
    blank: Callable[[str], str] | None = None,
    iri: Callable[[str], str] | None = None,
) -> list[str]:
    out = []
    for line in nquads:
        dataset = parse_nquads(line)
        for graph, triples in dataset.items():
            for triple in triples:
                for position in ("subject", "object"):
                    component = triple[position]
                    if component["type"] == "blank node" and blank is not None:
                        component["value"] = blank(component["value"])
                    elif (
                        component["type"] == "IRI"
                        and iri is not None
                        and component["value"].startswith(SKOLEM_PREFIX)
                    ):
                        component["type"], component["value"] = (
                            "blank node",
                            iri(component["value"]),
                        )
                name = None if graph == "@default" else graph
                if name is not None and name.startswith("_:") and blank is not None:
                    name = blank(name)
                elif name is not None and iri is not None and name.startswith(SKOLEM_PREFIX):
                    name = iri(name)
                out.append(serialize_nquad(triple, name))
    return out


def skolemize_expanded(expanded: list[Any], random: str, count: list[int]) -> list[Any]:
    """Every node of an expanded document gets an id: its blank label as a skolem IRI, or a
    new ``urn:custom-scheme:_<random>_<n>`` (§3.4.7)."""
    result: list[Any] = []
    for element in expanded:
        if not isinstance(element, dict) or "@value" in element:
            result.append(copy.deepcopy(element))
            continue
        node: dict[str, Any] = {}
        for name, value in element.items():
            if isinstance(value, list):
                node[name] = skolemize_expanded(value, random, count)
            else:
                node[name] = skolemize_expanded([value], random, count)[0]
        if "@id" not in node:
            node["@id"] = f"{SKOLEM_PREFIX}_{random}_{count[0]}"
            count[0] += 1
        elif isinstance(node["@id"], str) and node["@id"].startswith("_:"):
            node["@id"] = SKOLEM_PREFIX + node["@id"][2:]
        result.append(node)
    return result


def skolemize_compact(document: dict[str, Any], loader: DocumentLoader | None) -> tuple[Any, Any]:
    """The skolemized document, expanded and compacted with its own context (§3.4.8)."""
    try:
        expanded = jsonld.expand(copy.deepcopy(document), options(loader))
        skolemized = skolemize_expanded(expanded, uuid.uuid4().hex, [0])
        compact = jsonld.compact(
            copy.deepcopy(skolemized), {"@context": document["@context"]}, options(loader)
        )
    except jsonld.JsonLdError as error:
        raise CredentialError(
            "canonicalization_error", "JSON-LD processing failed: %(error)s", error=str(error)
        ) from None
    return skolemized, compact


def json_pointer_paths(pointer: str) -> list[str | int]:
    """A JSON Pointer (RFC 6901) as a list of keys and array indexes (§3.4.10)."""
    if not isinstance(pointer, str) or not pointer.startswith("/"):
        raise CredentialError(
            "PROOF_GENERATION_ERROR", "%(pointer)s is not a JSON Pointer", pointer=repr(pointer)
        )
    paths: list[str | int] = []
    for part in pointer.split("/")[1:]:
        if "~" in part:
            paths.append(part.replace("~1", "/").replace("~0", "~"))
        else:
            paths.append(int(part) if part.isdigit() else part)
    return paths


class _Sparse(dict[int, Any]):
    """A selected array while selecting: indexes to values, made dense at the end."""


def _initial_selection(source: Any) -> dict[str, Any]:
    selection: dict[str, Any] = {}
    if isinstance(source, dict):
        if "id" in source and not str(source["id"]).startswith("_:"):
            selection["id"] = source["id"]
        if "type" in source:
            selection["type"] = source["type"]
    return selection


def _member(container: Any, path: str | int) -> Any:
    if isinstance(container, list) and isinstance(path, int) and 0 <= path < len(container):
        return container[path]
    if isinstance(container, dict) and isinstance(path, str) and path in container:
        return container[path]
    return _MISSING


_MISSING = object()


def _select_paths(paths: list[str | int], document: Any, selection: dict[str, Any]) -> None:
    """Add what ``paths`` reaches in ``document`` to ``selection`` (§3.4.12)."""
    value: Any = document
    selected_parent: Any = selection
    selected_value: Any = selection
    last: str | int = paths[-1]
    for path in paths:
        if isinstance(value, dict) and isinstance(path, int):
            path = str(path)  # "/0" into an object names its member "0"
        last = path
        selected_parent = selected_value
        value = _member(value, path)
        if value is _MISSING:
            raise CredentialError(
                "PROOF_GENERATION_ERROR", "a JSON Pointer does not match the document"
            )
        selected_value = selected_parent.get(path, _MISSING)
        if selected_value is _MISSING:
            selected_value = _Sparse() if isinstance(value, list) else _initial_selection(value)
            selected_parent[path] = selected_value
    if isinstance(value, list):
        selected_value = copy.deepcopy(value)
    elif isinstance(value, dict):
        selected_value = {**selected_value, **copy.deepcopy(value)}
    else:
        selected_value = value
    selected_parent[last] = selected_value


def select_json_ld(pointers: list[str], document: dict[str, Any]) -> dict[str, Any] | None:
    """The part of a compact document that ``pointers`` select, with its context (§3.4.13)."""
    if not pointers:
        return None
    selection = {"@context": copy.deepcopy(document["@context"]), **_initial_selection(document)}
    for pointer in pointers:
        paths = json_pointer_paths(pointer)
        if not paths:
            raise CredentialError("PROOF_GENERATION_ERROR", "the empty pointer selects everything")
        _select_paths(paths, document, selection)
    dense: dict[str, Any] = _densify(selection)
    return dense


def _densify(value: Any) -> Any:
    if isinstance(value, _Sparse):
        return [_densify(value[index]) for index in sorted(value)]
    if isinstance(value, dict):
        return {name: _densify(member) for name, member in value.items()}
    if isinstance(value, list):
        return [_densify(member) for member in value]
    return value


def canonicalize_and_group(
    document: dict[str, Any],
    factory: LabelMapFactory,
    groups: Mapping[str, list[str]],
    loader: DocumentLoader | None,
) -> tuple[dict[str, dict[str, Any]], list[str], dict[str, str]]:
    """The canonical, relabelled N-Quads of ``document`` grouped by each named selection:
    ``{name: {"matching": {index: nq}, "nonMatching": {…}, "deskolemized": [...]}}``,
    with the N-Quads and the label map (§3.4.17)."""
    expanded, compact = skolemize_compact(document, loader)
    nquads, label_map = label_replacement_canonicalize(
        deskolemize(to_nquads(expanded, loader)), factory
    )
    result: dict[str, dict[str, Any]] = {}
    for name, pointers in groups.items():
        selection = select_json_ld(pointers, compact)
        chosen = deskolemize(to_nquads(selection, loader)) if selection is not None else []
        selected = set(relabel(chosen, label_map))
        result[name] = {
            "matching": {i: nq for i, nq in enumerate(nquads) if nq in selected},
            "nonMatching": {i: nq for i, nq in enumerate(nquads) if nq not in selected},
            "deskolemized": chosen,
        }
    return result, nquads, label_map
