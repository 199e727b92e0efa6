"""The one error family of pingan.

Every failure a user can cause or meet is a :class:`PinganError`; the web layer
maps each subclass to one HTTP status in one handler (RFC 9457 problem details),
and the CLI prints its message. Messages are written for the user and never carry
personal data.
"""

from __future__ import annotations


class PinganError(Exception):
    """Base of all pingan errors.

    Parameters
    ----------
    message
        What went wrong, in words a user understands.
    field
        The input field at fault, when there is one (``"body.lat"``, ``"line 12, column lat"``).
    """

    status = 400
    title = "Bad request"

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class InvalidInput(PinganError):
    """The input is malformed or out of range."""

    status = 422
    title = "Invalid input"


class NotFound(PinganError):
    """No such record, or one the caller may not see (both answer the same)."""

    status = 404
    title = "Not found"


class Conflict(PinganError):
    """The request conflicts with the record's current state (e.g. an invalid transition)."""

    status = 409
    title = "Conflict"


class Unauthenticated(PinganError):
    """No valid credentials were given."""

    status = 401
    title = "Unauthenticated"


class Forbidden(PinganError):
    """The caller is known but may not do this."""

    status = 403
    title = "Forbidden"


class RateLimited(PinganError):
    """Too many requests of one kind from one source; try again after ``retry_after_s``."""

    status = 429
    title = "Too many requests"

    def __init__(self, message: str, field: str | None = None, *, retry_after_s: int = 60) -> None:
        super().__init__(message, field)
        self.retry_after_s = retry_after_s


class Infeasible(PinganError):
    """An optimisation or computation has no solution for the given input."""

    status = 422
    title = "Infeasible"


class ConfigError(PinganError):
    """The settings are unsafe or incomplete for this mode."""

    status = 500
    title = "Configuration error"
