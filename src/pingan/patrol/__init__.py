"""Patrol planning: stationing K groups for 1-3-5 minute coverage, hot-spot loops, beats,
visibility, and evaluation of plans by simulation."""
