"""Gatherings and assemblies: RSVPs with capacity and a waitlist, check-in, attendance."""
