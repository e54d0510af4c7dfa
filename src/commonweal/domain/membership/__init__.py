"""Membership: admission policy, the member lifecycle, roles, credentials owed, recovery."""
