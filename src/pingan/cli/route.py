"""``pingan route …`` (defined with the city commands)."""

from pingan.cli.city import route_app as app

__all__ = ["app"]
