"""Campaigns: all-or-nothing crowdfunding, dominant assurance contracts, threshold pledges."""
