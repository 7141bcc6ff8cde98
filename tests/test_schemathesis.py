"""Schemathesis against the app's own OpenAPI schema: generated requests for every operation (as an admin, a clerk
and nobody), bounded in examples and time; no answer may be a 5xx."""

from __future__ import annotations

import contextlib
import time
from pathlib import Path

import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable

from catalog import add_user, open_catalog
from search_api.app import create_app
from search_api.testing import seed_document
from settings import Settings

EXAMPLES = 12  # per operation and caller
BUDGET_SECONDS = 120  # the whole run stops generating after this


def test_no_operation_answers_5xx_to_generated_requests(tmp_path: Path) -> None:
    from workers.backends import open_backends

    settings_ = Settings(home=tmp_path / "home", workers=1)
    backends = open_backends(settings_)
    seed_document(backends, agency="so-a", title="Decision 5", pages=["a decision about land"], doc_type="decision")
    cat = open_catalog(settings_)
    tokens = {"admin": add_user(cat, "admin", "so-a", "admin")[1], "clerk": add_user(cat, "clerk", "so-a", "clerk")[1]}
    cat.close()
    app = create_app(settings_, backends=backends)
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 15
    deadline = time.monotonic() + BUDGET_SECONDS
    failures: list[str] = []
    for operation in operations:
        if operation.method.upper() == "POST" and operation.path == "/api/batches":
            continue  # uploads are exercised with real files in test_api_upload / test_access_matrix
        for caller in ("admin", "clerk", None):
            if time.monotonic() > deadline:
                break
            headers = {"Authorization": f"Bearer {tokens[caller]}"} if caller else {}

            with contextlib.suppress(Unsatisfiable):
                _run(operation, headers, caller, failures)
    backends.close()
    calls = sum(1 for f in failures if f == "call")
    errors = [f for f in failures if f != "call"]
    print(f"\nschemathesis: {len(operations)} operations, {calls} generated requests, {len(errors)} 5xx")
    assert calls >= 100
    assert not errors, "\n".join(errors[:10])


def _run(operation, headers: dict, caller: str | None, log: list[str]) -> None:
    """Generated requests to one operation as one caller; "call" is logged per request, a description per 5xx."""

    @settings(max_examples=EXAMPLES, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(operation.as_strategy())
    def run(case) -> None:
        response = case.call(headers=headers)
        log.append("call")
        if response.status_code >= 500:
            log.append(f"{caller} {case.method} {case.path} {case.path_parameters} {case.query} -> "
                       f"{response.status_code}: {response.text[:200]}")

    run()
