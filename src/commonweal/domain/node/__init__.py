"""The node's own bootstrap events: its creation and its public profile."""
