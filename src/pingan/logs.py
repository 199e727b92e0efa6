"""Structured logs: one JSON object a line, each with the request id, never personal data.

:class:`JsonFormatter` writes a record's message and only the extra fields named in
:data:`FIELDS` (ids, kinds, counts, durations), so a caller cannot leak a report's text
through ``extra=``. ``pingan serve`` and ``pingan worker`` install it (:func:`use_json_logs`);
the web layer's request middleware (:mod:`pingan.web.logs`) sets :data:`request_id`. A log
message must itself carry no personal data (the masking function is for pages and exports,
not logs).
"""

from __future__ import annotations

import contextvars
import json
import logging
from typing import Any

request_id: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="")

#: Extra fields a log line may carry.
FIELDS = ("method", "route", "status", "ms", "job_id", "kind", "seconds", "worker")


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        body: dict[str, Any] = {
            "ts": self.formatTime(record, "%Y-%m-%dT%H:%M:%S%z"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "msg": record.getMessage(),
        }
        rid = request_id.get()
        if rid:
            body["request_id"] = rid
        for name in FIELDS:
            if name in record.__dict__:
                body[name] = record.__dict__[name]
        if record.exc_info and record.exc_info[0] is not None:
            body["error"] = record.exc_info[0].__name__  # the type only: values may be data
        return json.dumps(body, ensure_ascii=False, default=str)


def use_json_logs(level: int = logging.INFO) -> None:
    """Every log line of this process as JSON on stderr."""
    handler = logging.StreamHandler()
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        logging.getLogger(name).handlers[:] = []
        logging.getLogger(name).propagate = True
    # uvicorn's access line holds the raw path; the request line below replaces it
    logging.getLogger("uvicorn.access").disabled = True
