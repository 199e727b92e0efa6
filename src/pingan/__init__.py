"""pingan (平安): public-safety operations for a police district and its community."""

__version__ = "0.1.0"
