"""Federation as the node runs it: peers, the witness, mirrors, fork evidence, visitors,
alliance duties, signed peer requests, and the background sync (docs/federation.md)."""
