"""What every request handler needs: settings, backends, the catalog, limits, the batch runner, and auditing."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from fastapi import Depends, Request

from catalog import Catalog, append_audit
from documents.access import Principal
from search_api.config import ApiLimits
from search_api.ratelimit import SignInLimiter
from search_api.timefmt import office_zone
from settings import Settings

log = logging.getLogger("records.api")


@dataclass
class ApiState:
    """Shared, long-lived objects of one running app."""

    settings: Settings
    backends: Any  # workers.backends.Backends
    catalog: Catalog
    limits: ApiLimits
    runner: Any  # search_api.batches.BatchRunner
    signin_limiter: SignInLimiter = field(default_factory=SignInLimiter)
    zone: ZoneInfo = field(default_factory=office_zone)  # RECORDS_TIMEZONE: times on screen; the store keeps UTC

    @property
    def max_file_bytes(self) -> int:
        """Per-file upload limit."""
        return self.limits.max_file_bytes or self.settings.max_file_bytes

    def audit(self, request: Request | None, principal: Principal, action: str, target: str | None = None,
              target_agency: str | None = None, **detail: Any) -> None:
        """Append one audit entry for `principal` (client address from the request)."""
        client = request.client.host if request is not None and request.client else None
        append_audit(self.catalog, user=principal.user, agency=principal.agency, role=principal.role, action=action,
                     target=target, target_agency=target_agency,
                     detail={k: v for k, v in detail.items() if v not in (None, "", [], {})}, client=client)


def get_state(request: Request) -> ApiState:
    """The app's state (FastAPI dependency)."""
    return request.app.state.records


StateDep = Annotated[ApiState, Depends(get_state)]
