"""Commonweal: civic infrastructure for network nations, on a signed, verifiable log per node."""

__version__ = "0.1.0"
