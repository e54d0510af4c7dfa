"""Page templates compiled before the first page, and kept compiled across restarts.

Jinja2 compiles a template the first time a page asks for it; the network page and its
macros take tens of milliseconds to compile, which the first visitor after a start
would wait for. So the app loads every page template while it starts (``warm``, once
per process: the templates are the module's, shared by every app in it), and keeps the
compiled bytecode in Jinja2's per-user cache directory (``FileSystemBytecodeCache``,
checked against each template's source), so a restarted node loads rather than
compiles them. The cache files are named for this installation's template folder, the
versions of Jinja2 and Commonweal and a digest of the web package's code (its filters),
so two installations, or two builds, never share one.
"""

from __future__ import annotations

import hashlib
import logging
import threading
import time
from pathlib import Path

import jinja2
from jinja2.bccache import FileSystemBytecodeCache

from commonweal import __version__
from commonweal.web.rendering import TEMPLATES

log = logging.getLogger(__name__)

_lock = threading.Lock()
_warmed = False


def _bytecode_cache(folder: Path) -> FileSystemBytecodeCache | None:
    """A bytecode cache in Jinja2's safe per-user temporary directory, or None if there
    is none to be had (the templates are then compiled in memory only)."""
    tag = f"{folder.resolve()}|{jinja2.__version__}|{__version__}|{_filters_digest()}"
    key = hashlib.sha256(tag.encode()).hexdigest()[:16]
    try:
        return FileSystemBytecodeCache(pattern=f"commonweal-{key}-%s.cache")
    except (OSError, RuntimeError) as error:
        log.warning("page templates will be compiled in memory only: %s", error)
        return None


def _filters_digest() -> str:
    """A digest of the web package's code: compiled templates may have folded a filter's
    result on a constant, so a change of any filter must not load the old bytecode."""
    digest = hashlib.sha256()
    for path in sorted(Path(__file__).parent.glob("*.py")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


def warm() -> float:
    """Load every page template (from the bytecode cache, or compiled and cached); the
    milliseconds it took (0 when this process did it already)."""
    global _warmed
    with _lock:
        if _warmed:
            return 0.0
        started = time.perf_counter()
        env = TEMPLATES.env
        loader = env.loader
        assert isinstance(loader, jinja2.FileSystemLoader)
        if env.bytecode_cache is None:
            env.bytecode_cache = _bytecode_cache(Path(loader.searchpath[0]))
        for name in env.list_templates(extensions=["html"]):
            try:
                env.get_template(name)
            except jinja2.TemplateError as error:  # the page that uses it will say so
                log.warning("page template %s does not compile: %s", name, error)
        _warmed = True
        return (time.perf_counter() - started) * 1000
