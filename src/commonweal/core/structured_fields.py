"""RFC 8941 Structured Field Values: the subset HTTP message signatures use.

Dictionaries whose members are items or inner lists, with parameters; items are
integers, strings, tokens, byte sequences and booleans (no decimals: nothing
here needs them, and a parser that meets one refuses it). Parsing follows the
algorithms of RFC 8941 §4.2 and refuses anything it does not fully understand.
"""

from __future__ import annotations

import base64
import binascii
import re
import string
from dataclasses import dataclass, field

MAX_INTEGER = 999_999_999_999_999
_KEY_START = set(string.ascii_lowercase + "*")
_KEY_CHARS = _KEY_START | set(string.digits + "_-.")
_TOKEN_START = set(string.ascii_letters + "*")
_TOKEN_CHARS = _TOKEN_START | set(string.digits + "!#$%&'+-.^_`|~:/")
_BASE64 = re.compile(r"[A-Za-z0-9+/=]*")
_PRINTABLE = re.compile(r"[\x20-\x7e]*")
_PLAIN_STRING = re.compile(r'"([\x20\x21\x23-\x5b\x5d-\x7e]*)"')
"""A string without escapes: the common case, read in one step."""


class StructuredFieldError(ValueError):
    """A header value that is not a valid structured field of the expected shape."""


class Token(str):
    """An sf-token (an unquoted word), kept apart from an sf-string."""

    __slots__ = ()


BareItem = int | str | bytes | bool
"""An item's value: ``Token`` is a ``str`` subclass, so it is included."""


@dataclass(frozen=True)
class Item:
    """A bare item and its parameters (in order)."""

    value: BareItem
    params: dict[str, BareItem] = field(default_factory=dict)


@dataclass(frozen=True)
class InnerList:
    """A parenthesised list of items, and the list's own parameters."""

    items: list[Item]
    params: dict[str, BareItem] = field(default_factory=dict)


Member = Item | InnerList


def parse_dictionary(text: str) -> dict[str, Member]:
    """Parse an sf-dictionary (RFC 8941 §4.2.2); a repeated key keeps its last value."""
    parser = _Parser(text)
    members = parser.dictionary()
    return members


def serialize_item_value(value: BareItem) -> str:
    """One bare item as RFC 8941 §4.1.3 writes it."""
    if isinstance(value, bool):
        return "?1" if value else "?0"
    if isinstance(value, int):
        if abs(value) > MAX_INTEGER:
            raise StructuredFieldError(f"integer {value} is out of range")
        return str(value)
    if isinstance(value, bytes):
        return ":" + base64.b64encode(value).decode() + ":"
    if isinstance(value, Token):
        if not value or value[0] not in _TOKEN_START or any(c not in _TOKEN_CHARS for c in value):
            raise StructuredFieldError(f"{value!r} is not a token")
        return str(value)
    if not _PRINTABLE.fullmatch(value):
        raise StructuredFieldError("a string holds printable ASCII only")
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def serialize_params(params: dict[str, BareItem]) -> str:
    """``;key=value`` for each parameter, in order (``;key`` alone for true)."""
    parts = []
    for key, value in params.items():
        _check_key(key)
        parts.append(f";{key}" if value is True else f";{key}={serialize_item_value(value)}")
    return "".join(parts)


def serialize_item(item: Item) -> str:
    """An item with its parameters."""
    return serialize_item_value(item.value) + serialize_params(item.params)


def serialize_inner_list(inner: InnerList) -> str:
    """``(item item …)`` followed by the list's parameters."""
    return (
        "("
        + " ".join(serialize_item(i) for i in inner.items)
        + ")"
        + (serialize_params(inner.params))
    )


def serialize_dictionary(members: dict[str, Member]) -> str:
    """An sf-dictionary, members joined by ``, ``."""
    parts = []
    for key, member in members.items():
        _check_key(key)
        if isinstance(member, InnerList):
            parts.append(f"{key}={serialize_inner_list(member)}")
        elif member.value is True:
            parts.append(key + serialize_params(member.params))
        else:
            parts.append(f"{key}={serialize_item(member)}")
    return ", ".join(parts)


def _check_key(key: str) -> None:
    if not key or key[0] not in _KEY_START or any(c not in _KEY_CHARS for c in key):
        raise StructuredFieldError(f"{key!r} is not a valid key")


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text.strip(" ")
        self.pos = 0

    def fail(self, what: str) -> StructuredFieldError:
        return StructuredFieldError(f"{what} at position {self.pos} of {self.text!r}")

    def peek(self) -> str:
        return self.text[self.pos] if self.pos < len(self.text) else ""

    def dictionary(self) -> dict[str, Member]:
        members: dict[str, Member] = {}
        while self.pos < len(self.text):
            key = self.key()
            if self.peek() == "=":
                self.pos += 1
                members[key] = self.member()
            else:
                members[key] = Item(True, self.params())
            self.skip_ows()
            if self.pos >= len(self.text):
                return members
            if self.peek() != ",":
                raise self.fail("expected a comma between dictionary members")
            self.pos += 1
            self.skip_ows()
            if self.pos >= len(self.text):
                raise self.fail("a dictionary must not end with a comma")
        return members

    def member(self) -> Member:
        if self.peek() == "(":
            return self.inner_list()
        return Item(self.bare_item(), self.params())

    def inner_list(self) -> InnerList:
        self.pos += 1  # "("
        items: list[Item] = []
        while self.pos < len(self.text):
            while self.peek() == " ":
                self.pos += 1
            if self.peek() == ")":
                self.pos += 1
                return InnerList(items, self.params())
            items.append(Item(self.bare_item(), self.params()))
            if self.peek() not in (" ", ")"):
                raise self.fail("expected a space or ')' in an inner list")
        raise self.fail("an inner list is not closed")

    def params(self) -> dict[str, BareItem]:
        params: dict[str, BareItem] = {}
        while self.peek() == ";":
            self.pos += 1
            while self.peek() == " ":
                self.pos += 1
            key = self.key()
            value: BareItem = True
            if self.peek() == "=":
                self.pos += 1
                value = self.bare_item()
            params[key] = value
        return params

    def key(self) -> str:
        start = self.pos
        if self.peek() not in _KEY_START or not self.peek():
            raise self.fail("expected a key")
        while self.peek() and self.peek() in _KEY_CHARS:
            self.pos += 1
        return self.text[start : self.pos]

    def bare_item(self) -> BareItem:
        char = self.peek()
        if char == "-" or char.isdigit():
            return self.integer()
        if char == '"':
            return self.string()
        if char == ":":
            return self.byte_sequence()
        if char == "?":
            return self.boolean()
        if char and char in _TOKEN_START:
            return self.token()
        raise self.fail("expected an item")

    def integer(self) -> int:
        start = self.pos
        if self.peek() == "-":
            self.pos += 1
        digits_start = self.pos
        while self.peek().isdigit():
            self.pos += 1
        digits = self.text[digits_start : self.pos]
        if not digits or len(digits) > 15:
            raise self.fail("an integer has 1 to 15 digits")
        if self.peek() == ".":
            raise self.fail("decimals are not supported here")
        return int(self.text[start : self.pos])

    def string(self) -> str:
        plain = _PLAIN_STRING.match(self.text, self.pos)
        if plain is not None:
            self.pos = plain.end()
            return plain.group(1)
        self.pos += 1
        out = []
        while self.pos < len(self.text):
            char = self.text[self.pos]
            self.pos += 1
            if char == "\\":
                escaped = self.peek()
                if escaped not in ('"', "\\"):
                    raise self.fail('only \\" and \\\\ may be escaped in a string')
                out.append(escaped)
                self.pos += 1
            elif char == '"':
                return "".join(out)
            elif ord(char) < 0x20 or ord(char) > 0x7E:
                raise self.fail("a string holds printable ASCII only")
            else:
                out.append(char)
        raise self.fail("a string is not closed")

    def token(self) -> Token:
        start = self.pos
        while self.peek() and self.peek() in _TOKEN_CHARS:
            self.pos += 1
        return Token(self.text[start : self.pos])

    def byte_sequence(self) -> bytes:
        end = self.text.find(":", self.pos + 1)
        if end < 0:
            raise self.fail("a byte sequence is not closed")
        encoded = self.text[self.pos + 1 : end]
        if not _BASE64.fullmatch(encoded):
            raise self.fail("a byte sequence holds base64 only")
        self.pos = end + 1
        try:
            return base64.b64decode(encoded + "=" * (-len(encoded) % 4), validate=True)
        except (binascii.Error, ValueError):
            raise self.fail("a byte sequence is not valid base64") from None

    def boolean(self) -> bool:
        value = self.text[self.pos + 1 : self.pos + 2]
        if value not in ("0", "1"):
            raise self.fail("a boolean is ?0 or ?1")
        self.pos += 2
        return value == "1"

    def skip_ows(self) -> None:
        while self.peek() in (" ", "\t") and self.peek():
            self.pos += 1
