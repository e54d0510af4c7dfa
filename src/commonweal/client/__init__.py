"""Clients of a node's wire API: submit signed events, read the log over HTTP."""
