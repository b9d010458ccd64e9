"""A small HTTP client for the `links` commands: GET only, redirects followed by hand (so
that each hop is known), a time-out on every request, at most `per_host` requests at a time
to any one host, a body read up to a limit, and a User-Agent naming dossier and its version.
"""

from __future__ import annotations

import socket
import threading
import urllib.error
import urllib.request
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from email.message import Message
from http.client import HTTPException
from urllib.parse import urljoin, urlsplit

from dossier.version import __version__

USER_AGENT = f"dossier/{__version__} (link checker; https://pypi.org/project/dossier/)"
REDIRECTS = (301, 302, 303, 307, 308)


@dataclass
class Response:
    """What one GET found: the final status, every redirect hop, or why there was none."""

    url: str
    final_url: str = ""
    status: int = 0
    reason: str = ""
    headers: Message = field(default_factory=Message)
    body: bytes = b""
    truncated: bool = False
    hops: list[tuple[int, str]] = field(default_factory=list)  # (status, location) per redirect
    error: str = ""

    @property
    def ok(self) -> bool:
        return not self.error and 200 <= self.status < 300

    @property
    def content_type(self) -> str:
        return self.headers.get_content_type() if self.headers else ""

    def describe(self) -> str:
        """Why the page is not there, in a few words."""
        return self.error or f"HTTP {self.status} {self.reason}".strip()


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None  # a 3xx comes back as an HTTPError, with its headers


class Client:
    """GET requests with the limits above; safe to share between threads."""

    def __init__(
        self,
        timeout: float = 15.0,
        per_host: int = 2,
        max_bytes: int = 50 * 1024 * 1024,
        max_redirects: int = 10,
    ) -> None:
        self.timeout = timeout
        self.per_host = per_host
        self.max_bytes = max_bytes
        self.max_redirects = max_redirects
        self._opener = urllib.request.build_opener(_NoRedirects())
        self._lock = threading.Lock()
        self._hosts: dict[str, threading.Semaphore] = {}

    def _slot(self, url: str) -> threading.Semaphore:
        host = (urlsplit(url).hostname or "").lower()
        with self._lock:
            return self._hosts.setdefault(host, threading.Semaphore(self.per_host))

    def get(self, url: str, follow: bool = True) -> Response:
        """GET `url`, following up to `max_redirects` redirects when `follow`."""
        response = Response(url)
        current = url
        for _ in range(self.max_redirects + 1):
            self._once(current, response)
            location = response.headers.get("Location") if response.headers else None
            if not (follow and response.status in REDIRECTS and location and not response.error):
                response.final_url = current
                return response
            current = urljoin(current, location)
            response.hops.append((response.status, current))
            if not current.startswith(("http://", "https://")):
                response.error = f"redirected to '{current}', which is not a web address"
                return response
        response.final_url = current
        response.error = f"more than {self.max_redirects} redirects"
        return response

    def _once(self, url: str, response: Response) -> None:
        request = urllib.request.Request(
            url, headers={"User-Agent": USER_AGENT, "Accept": "*/*"}, method="GET"
        )
        with self._slot(url):
            try:
                with self._opener.open(request, timeout=self.timeout) as reply:
                    response.status, response.reason = reply.status, reply.reason
                    response.headers = reply.headers
                    response.body = reply.read(self.max_bytes + 1)
            except urllib.error.HTTPError as exc:
                response.status, response.reason = exc.code, str(exc.reason)
                response.headers = exc.headers
                response.body = b""
                exc.close()
                return
            except TimeoutError:
                response.error = f"no answer within {self.timeout:g} s"
                return
            except urllib.error.URLError as exc:
                reason = exc.reason
                if isinstance(reason, TimeoutError | socket.timeout):
                    response.error = f"no answer within {self.timeout:g} s"
                else:
                    response.error = f"unreachable ({reason})"
                return
            except (HTTPException, OSError, ValueError) as exc:
                response.error = f"failed ({type(exc).__name__}: {exc})"
                return
        response.error = ""
        if len(response.body) > self.max_bytes:
            response.body, response.truncated = response.body[: self.max_bytes], True

    def get_all(self, urls: Iterable[str], workers: int = 8) -> Iterator[Response]:
        """GET every URL concurrently (the per-host limit still holds), in the given order."""
        unique = list(dict.fromkeys(urls))
        with ThreadPoolExecutor(max_workers=max(1, min(workers, len(unique)))) as pool:
            yield from pool.map(self.get, unique)


def same_page(a: str, b: str) -> bool:
    """Whether a redirect from `a` to `b` stays on the same page (http -> https, a `www.`,
    a trailing slash, a default port)."""

    def norm(url: str) -> tuple[str, str, str]:
        parts = urlsplit(url)
        host = (parts.hostname or "").lower().removeprefix("www.")
        return host, parts.path.rstrip("/") or "/", parts.query

    return norm(a) == norm(b)
