"""The kernel: submit, replay, verify, proofs, queries, and what runs a node."""
