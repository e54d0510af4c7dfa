"""Pure building blocks: canonical JSON, keys and DIDs, events, Merkle math, signed notes."""
