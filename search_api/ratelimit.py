"""Sign-in attempts limited per client: after too many failed sign-ins (the web UI's sign-in form) from one address
in a window, that address gets `429` until the window has moved on, even with a right token. API calls with a bad
token answer 401 each time without counting: an API token is 256 random bits, so guessing one is hopeless anyway.
In memory, per server process."""

from __future__ import annotations

import os
import threading
import time
from collections import deque

from search_api.errors import ApiError


class SignInLimiter:
    """At most `max_failures` failed sign-ins per client in `window` seconds."""

    def __init__(self, max_failures: int | None = None, window: float | None = None) -> None:
        self.max_failures = max_failures or int(os.environ.get("RECORDS_SIGNIN_MAX_FAILURES") or 20)
        self.window = window or float(os.environ.get("RECORDS_SIGNIN_WINDOW") or 300)
        self._failures: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def _recent(self, client: str, now: float) -> deque[float]:
        times = self._failures.setdefault(client, deque())
        while times and times[0] <= now - self.window:
            times.popleft()
        return times

    def check(self, client: str) -> None:
        """Raise 429 (with Retry-After) while `client` is over its limit."""
        now = time.monotonic()
        with self._lock:
            times = self._recent(client, now)
            if len(times) < self.max_failures:
                if not times:
                    self._failures.pop(client, None)
                return
            wait = int(times[0] + self.window - now) + 1
        raise ApiError(429, "too_many_attempts", f"too many failed sign-ins from your address; try again in {wait} s",
                       headers={"Retry-After": str(wait)}, key="err_too_many_signins", values={"seconds": wait})

    def failed(self, client: str) -> None:
        """Count one failed sign-in of `client`."""
        now = time.monotonic()
        with self._lock:
            self._recent(client, now).append(now)
            if len(self._failures) > 100_000:  # a flood of addresses: forget the oldest rather than grow forever
                self._failures.pop(next(iter(self._failures)))


def client_of(request) -> str:
    """The client address of a request (the direct peer; put a trusted proxy's own limits in front of it)."""
    return request.client.host if request.client else "unknown"
