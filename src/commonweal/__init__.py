"""Commonweal: civic infrastructure for network nations, on a signed, verifiable log per node."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("commonweal")
    """The installed distribution's version: pyproject.toml is its one source."""
except PackageNotFoundError:  # run from a source tree that was never installed
    __version__ = "0+unknown"
