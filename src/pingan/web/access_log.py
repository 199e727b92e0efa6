"""Access logs without secrets: Open311 API keys and report tokens become ``***``.

Two kinds of secret travel in URLs:

- query parameters that carry a credential (``api_key=``, ``token=`` …), named in
  :data:`SECRET_PARAMETERS`; a name is compared after percent-decoding, as the app's own
  query parsing reads it (``api%5Fkey`` is ``api_key``);
- capability tokens in paths: whoever holds a report's public token reads its status
  (``/report/{token}``, ``/report/{token}/photo``, ``/api/v1/reports/{token}``,
  ``/open311/v2/tokens/{token}.json``), named by the segments before them in
  :data:`CAPABILITY_PATHS`.

:class:`RedactSecrets` is a :class:`logging.Filter` that rewrites a record's message or,
when it has arguments, each string argument (uvicorn's access log passes the path with its
query string as one argument). :func:`install_log_redaction` puts it on the access loggers;
:func:`pingan.web.app.create_app` calls it, so every way of serving the app (``pingan
serve``, ``uvicorn --factory``, several workers) logs without the secrets.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from urllib.parse import unquote, unquote_plus

MASK = "***"

#: Query parameters whose value is a credential (compared in lower case, percent-decoded).
SECRET_PARAMETERS = frozenset(
    {"api_key", "apikey", "api-key", "key", "token", "access_token", "form_token", "csrf_token"}
)

#: Path segments followed by a capability token (compared in lower case, percent-decoded).
CAPABILITY_PATHS: tuple[tuple[str, ...], ...] = (
    ("report",),
    ("api", "v1", "reports"),
    ("open311", "v2", "tokens"),
)

#: Loggers that write one line per request.
ACCESS_LOGGERS = ("uvicorn.access",)

_QUERY_PAIR = re.compile(r"(?<=[?&;])(?P<name>[^=&;#\s\"?]+)=(?P<value>[^&;#\s\"]*)")
_PATH = re.compile(r"/[^\s?#\"]*")


def _redact_pair(match: re.Match[str]) -> str:
    name = match["name"]
    if unquote_plus(name).strip().lower() in SECRET_PARAMETERS and match["value"]:
        return f"{name}={MASK}"
    return match[0]


def _redact_path(match: re.Match[str]) -> str:
    segments = match[0].split("/")
    decoded = [unquote(s).lower() for s in segments]
    for prefix in CAPABILITY_PATHS:
        size = len(prefix)
        for start in range(len(segments) - size):
            token_at = start + size
            if tuple(decoded[start:token_at]) != prefix or not segments[token_at]:
                continue
            suffix = ".json" if decoded[token_at].endswith(".json") else ""
            segments[token_at] = MASK + suffix
    return "/".join(segments)


def redact(text: str) -> str:
    """``text`` with secret query values and capability tokens replaced by ``***``.

    >>> redact("/open311/v2/requests.json?api_key=o311_abc&status=open")
    '/open311/v2/requests.json?api_key=***&status=open'
    >>> redact("/report/Zq3x9V0aPm1bT4Kc/photo")
    '/report/***/photo'
    """
    if "/" not in text and "=" not in text:
        return text
    return _QUERY_PAIR.sub(_redact_pair, _PATH.sub(_redact_path, text))


class RedactSecrets(logging.Filter):
    """Rewrite a log record so that no API key or capability token is written."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(args, tuple) and args:
            record.args = tuple(redact(a) if isinstance(a, str) else a for a in args)
        elif isinstance(args, Mapping) and args:
            record.args = {k: redact(v) if isinstance(v, str) else v for k, v in args.items()}
        elif isinstance(record.msg, str):
            record.msg = redact(record.msg)
        return True


def install_log_redaction(logger_names: tuple[str, ...] = ACCESS_LOGGERS) -> None:
    """Put :class:`RedactSecrets` on each access logger (once, however often called)."""
    for name in logger_names:
        logger = logging.getLogger(name)
        if not any(isinstance(f, RedactSecrets) for f in logger.filters):
            logger.addFilter(RedactSecrets())
