"""Federation: recognition between nodes (treaties), visitors from recognised nodes, and
alliances of nodes that vote together, counted by precinct (docs/federation.md)."""
