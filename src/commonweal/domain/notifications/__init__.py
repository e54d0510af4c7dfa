"""Notifications: who must hear of what, and members' preferences (pure; docs/notifications.md)."""
