"""Security headers on every response: a strict Content-Security-Policy and its companions.

The policy allows scripts, styles, fonts and fetches from pingan's own origin only, with no
inline script and no inline style (``'unsafe-inline'`` appears nowhere): page scripts are
files under ``/static/js``, page data travels in ``<script type="application/json">``
blocks (data, never run), and scripts set styles through the DOM, which the policy allows.
Leaflet needs nothing more: it positions and colours through ``element.style``.

:class:`SecurityHeadersMiddleware` is plain ASGI (no ``BaseHTTPMiddleware``), so it
leaves the live stream and uploads streaming. A route that sets one of these headers itself
keeps its own value.
"""

from __future__ import annotations

from collections.abc import Mapping

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

#: Each directive of the Content-Security-Policy, in the order they are sent.
CSP_DIRECTIVES: Mapping[str, str] = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data: blob:",
    "font-src": "'self'",
    "connect-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}

CONTENT_SECURITY_POLICY = "; ".join(f"{name} {value}" for name, value in CSP_DIRECTIVES.items())

#: Browser features pages may use: the location (the citizen's pin), nothing else.
PERMISSIONS_POLICY = ", ".join(
    [
        "geolocation=(self)",
        "camera=()",
        "microphone=()",
        "payment=()",
        "usb=()",
        "accelerometer=()",
        "gyroscope=()",
        "magnetometer=()",
    ]
)

#: One year, subdomains included: sent only when cookies are Secure (the site is on HTTPS).
STRICT_TRANSPORT_SECURITY = "max-age=31536000; includeSubDomains"


def security_headers(*, hsts: bool) -> dict[str, str]:
    """The headers every response carries; ``hsts`` adds Strict-Transport-Security."""
    headers = {
        "Content-Security-Policy": CONTENT_SECURITY_POLICY,
        "X-Content-Type-Options": "nosniff",
        "X-Frame-Options": "DENY",
        "Referrer-Policy": "same-origin",
        "Permissions-Policy": PERMISSIONS_POLICY,
        "Cross-Origin-Opener-Policy": "same-origin",
    }
    if hsts:
        headers["Strict-Transport-Security"] = STRICT_TRANSPORT_SECURITY
    return headers


class SecurityHeadersMiddleware:
    """Add :func:`security_headers` to every HTTP response that does not set them itself."""

    def __init__(self, app: ASGIApp, *, hsts: bool) -> None:
        self.app = app
        self.headers = security_headers(hsts=hsts)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in self.headers.items():
                    if name not in headers:
                        headers[name] = value
            await send(message)

        await self.app(scope, receive, send_with_headers)


__all__ = [
    "CONTENT_SECURITY_POLICY",
    "CSP_DIRECTIVES",
    "PERMISSIONS_POLICY",
    "STRICT_TRANSPORT_SECURITY",
    "SecurityHeadersMiddleware",
    "security_headers",
]
