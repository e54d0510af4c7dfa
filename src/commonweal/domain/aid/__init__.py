"""Mutual aid: requests and offers, claims, relayed messages, fulfilment and settlement."""
