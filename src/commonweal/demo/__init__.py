"""The demo: a node (and a network) seeded with a believable history."""
