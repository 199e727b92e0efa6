"""Rapid response: recommendations by 1-3-5 tier, assignments, arrival, compliance, live reach."""
