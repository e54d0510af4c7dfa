"""Self-governance: tallies of many voting methods (more of issue 4 to come)."""
