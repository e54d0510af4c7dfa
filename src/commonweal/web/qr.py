"""QR codes as SVG, drawn on the server with ``segno`` (a registry package, no copied code)."""

from __future__ import annotations

import io

import segno
from segno.encoder import DataOverflowError

MAX_QR_BYTES = 2_900
"""About what a version-40 code holds at the lowest error correction."""


def qr_svg(text: str, title: str) -> str | None:
    """An SVG QR code of ``text`` that scales to its box, or None when the text is too long."""
    if len(text.encode()) > MAX_QR_BYTES:
        return None
    try:
        code = segno.make(text, error="l", micro=False)
    except DataOverflowError:
        return None
    out = io.BytesIO()
    code.save(
        out,
        kind="svg",
        scale=1,
        border=4,
        omitsize=True,
        xmldecl=False,
        title=title,
        svgclass="qr",
        dark="#000",
        light="#fff",
    )
    return out.getvalue().decode()
