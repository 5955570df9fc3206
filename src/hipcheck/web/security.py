"""Refuse cross-site writes: another web site open in the runner's browser must not be able to post
answers to, or delete from, the hipcheck running on their machine (there are no accounts).
`trusted_hosts` lists the Host headers the app answers at all (DNS rebinding: a site whose name
is made to resolve to 127.0.0.1 still sends its own name as Host, and is refused with 400).

Browsers mark every request with `Sec-Fetch-Site` and, on posts, `Origin`; a write (POST, PUT,
PATCH, DELETE) that a browser says comes from another site is answered 403 before it reaches a
route. Clients that are not browsers (curl, other apps) send neither header and are unaffected.
A pure ASGI wrapper, so requests that pass pay almost nothing.
"""

from __future__ import annotations

import json
from urllib.parse import urlsplit

from starlette.types import ASGIApp, Receive, Scope, Send

from hipcheck.config import Settings

LOOPBACK_HOSTS = ("localhost", "127.0.0.1", "[::1]")
ALL_INTERFACES = frozenset({"0.0.0.0", "::", ""})

WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
MESSAGE = "this request came from another web site; hipcheck only accepts changes from its own pages"


def trusted_hosts(settings: Settings) -> list[str]:
    """Host names (without port) the app answers: loopback, the address it is configured to bind
    (unless that is every interface) and `allowed_hosts`; "*" in `allowed_hosts` allows any."""
    hosts = list(LOOPBACK_HOSTS)
    bound = settings.host.strip().lower()
    if bound not in ALL_INTERFACES:
        # An IPv6 address arrives in the Host header in brackets: [::1]:8000.
        hosts.append(f"[{bound}]" if ":" in bound and not bound.startswith("[") else bound)
    hosts.extend(h.strip().lower() for h in settings.allowed_hosts if h.strip())
    return list(dict.fromkeys(hosts))


class CrossSiteWriteGuard:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] in WRITE_METHODS and _cross_site(scope):
            await _refuse(scope, send)
            return
        await self.app(scope, receive, send)


def _cross_site(scope: Scope) -> bool:
    headers: dict[str, str] = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
    site = headers.get("sec-fetch-site")
    if site is not None:
        return site == "cross-site"
    origin = headers.get("origin")
    if not origin or origin == "null":
        return origin == "null"
    return urlsplit(origin).netloc.lower() != headers.get("host", "").lower()


async def _refuse(scope: Scope, send: Send) -> None:
    if str(scope.get("path", "")).startswith("/api"):
        body = json.dumps({"code": "forbidden", "message": MESSAGE, "field": None}).encode()
        content_type = b"application/json"
    else:
        body = f"<!doctype html><title>Refused</title><h1>Refused</h1><p>{MESSAGE}.</p>".encode()
        content_type = b"text/html; charset=utf-8"
    await send(
        {
            "type": "http.response.start",
            "status": 403,
            "headers": [(b"content-type", content_type), (b"content-length", str(len(body)).encode())],
        }
    )
    await send({"type": "http.response.body", "body": body})
