"""Incidents: intake from every channel, de-duplication, lifecycle, stolen property."""
