"""Places: the node's physical footprint (hubs, buildings, land), where they are and how held."""
