"""Translations of content: a member's translation of a proposal, a comment or an aid post."""
