"""The census: a node's figures at regular epochs, each a function of its log (docs/census.md)."""
