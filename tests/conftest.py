"""Shared fixtures: where the shared samples are, a fresh RECORDS_HOME, and the real `records` command."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from sample_set import SampleSet, demo_samples, needs_shared, shared_samples

REPO = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("RECORDS_SHARED", REPO.parent / "shared"))
SAMPLES = SHARED / "samples"
REALWORLD = SHARED / "realworld"


CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
SERVICES_HINT = 'run `scripts/services.sh start` and `eval "$(scripts/services.sh env)"` first'


def need(name: str) -> str:
    """A test server variable (RECORDS_TEST_*); missing, it fails the test in CI and skips it elsewhere."""
    value = os.environ.get(name)
    if not value:
        message = f"{name} is not set: {SERVICES_HINT}"
        if CI:
            pytest.fail(message)
        pytest.skip(message)
    return value


def pytest_runtest_setup(item: pytest.Item) -> None:
    """A test that reads ../shared (samples, real-world files, the scorer) runs only where it exists: skipped in a
    clone alone (which runs everything else, and the sample-set tests on demo/), failed in CI, where it must exist."""
    if not SHARED.is_dir() and needs_shared(item, SHARED):
        message = f"needs the shared samples and real-world files at {SHARED} (set RECORDS_SHARED)"
        if CI:
            pytest.fail(message)
        pytest.skip(message)


@pytest.fixture(scope="session")
def sample_set() -> SampleSet:
    """Scans with known truth: ../shared/samples when it exists, else the committed demo set (demo/)."""
    if SAMPLES.is_dir():
        return shared_samples(SAMPLES)
    if CI:
        pytest.fail(f"shared samples not found at {SAMPLES}: CI runs on them")
    return demo_samples(REPO / "demo", REPO / "tests" / "fixtures" / "demo_truth.json")


def records_env(home: Path, **extra: str) -> dict[str, str]:
    """The environment for a `records` run on the embedded default in `home`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("RECORDS_") or k == "RECORDS_SHARED"}
    env.update(RECORDS_HOME=str(home), OMP_THREAD_LIMIT="1", **extra)
    return env


def run_records(args: list[str], env: dict[str, str], check: bool = True, timeout: int = 900, expect: int = 0,
                ) -> subprocess.CompletedProcess:
    """Run the real command line (`python -m cli.main`, exactly what the `records` script calls).

    With `check`, the exit status must be `expect` (1: a batch that ran but has failed files; see docs/cli.md)."""
    proc = subprocess.run([sys.executable, "-m", "cli.main", *args], env=env, cwd=REPO, capture_output=True,
                          text=True, timeout=timeout)
    if check and proc.returncode != expect:
        raise AssertionError(f"records {' '.join(args)} exited {proc.returncode}:\n{proc.stderr[-3000:]}")
    return proc


def records_json(args: list[str], env: dict[str, str], expect: int = 0) -> dict:
    """Run `records ... --json` and parse its output (the exit status must be `expect`)."""
    return json.loads(run_records([*args, "--json"], env, expect=expect).stdout)


def ingest_json(args: list[str], env: dict[str, str]) -> dict:
    """Run `records ingest ARGS --json` over files that may end in any state; the exit status must follow the
    convention (docs/cli.md): 1 when a file failed, 0 when every file was processed, a duplicate or rejected."""
    proc = run_records(["ingest", *args, "--json"], env, check=False)
    summary = json.loads(proc.stdout)
    expected = 1 if summary["counts"]["failed"] else 0
    assert proc.returncode == expected, f"exit {proc.returncode} for counts {summary['counts']}: {proc.stderr[-2000:]}"
    return summary


@pytest.fixture
def home(tmp_path: Path) -> Path:
    """A fresh, empty RECORDS_HOME."""
    path = tmp_path / "records-home"
    path.mkdir()
    return path


@pytest.fixture
def env(home: Path) -> dict[str, str]:
    """Environment for the embedded default in a fresh RECORDS_HOME."""
    return records_env(home)


@pytest.fixture(scope="session")
def samples() -> Path:
    """The shared sample scans with exact ground truth."""
    assert SAMPLES.is_dir(), f"shared samples not found at {SAMPLES} (set RECORDS_SHARED)"
    return SAMPLES


@pytest.fixture(scope="session")
def ingested_samples(tmp_path_factory, samples: Path) -> tuple[dict[str, str], dict]:
    """All samples ingested once into one RECORDS_HOME (real OCR): (env, ingest summary)."""
    home = tmp_path_factory.mktemp("samples-home")
    environment = records_env(home)
    # exit 0: the ground-truth and metadata files beside the scans are rejected (they are not scans), which is a
    # final state with its reason, not a failure
    summary = records_json(["ingest", str(samples), "--agency", "province-a", "--visibility", "public"],
                           environment)
    return environment, summary


@pytest.fixture
def workers(tmp_path: Path):
    """Start `records worker` processes with `workers.start(name, env)`; all are stopped after the test."""
    from distributed_support import Workers

    group = Workers(tmp_path)
    yield group
    group.stop()
