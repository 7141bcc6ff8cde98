"""compose.yaml and the Dockerfile, checked as far as a machine without a Docker engine can.

The file is parsed as YAML, its `${VAR}` references are interpolated the way `docker compose` does, and the
commands it runs are checked against the real `records` command line.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parent.parent
BACKENDS = ("redis", "minio", "elasticsearch")
APPS = ("api", "worker")
SECRET_VARS = ("MINIO_ROOT_USER", "MINIO_ROOT_PASSWORD", "REDIS_PASSWORD")
SECRET_WORDS = re.compile(r"PASSWORD|SECRET|ACCESS_KEY|TOKEN|_AUTH|_USER", re.I)
# ${VAR}, ${VAR:-default}, ${VAR-default}, ${VAR:?error}, ${VAR?error}; $$ is a literal dollar.
_REF = re.compile(r"\$\$|\$\{(?P<name>[A-Za-z_][A-Za-z0-9_]*)(?:(?P<op>:?[-?])(?P<arg>[^}]*))?\}")


class MissingVariable(Exception):
    """A required `${VAR:?message}` variable is unset."""


def interpolate(value, env: dict[str, str]):
    """Compose-style interpolation over a parsed document (strings only; structure kept)."""
    if isinstance(value, dict):
        return {k: interpolate(v, env) for k, v in value.items()}
    if isinstance(value, list):
        return [interpolate(v, env) for v in value]
    if not isinstance(value, str):
        return value

    def sub(m: re.Match) -> str:
        if m.group(0) == "$$":
            return "$"
        name, op, arg = m.group("name"), m.group("op"), m.group("arg")
        current = env.get(name)
        unset = current is None or (current == "" and op is not None and op.startswith(":"))
        if op and op.endswith("?") and unset:
            raise MissingVariable(f"{name}: {arg}")
        if op and op.endswith("-") and unset:
            return arg
        return current or ""

    return _REF.sub(sub, value)


@pytest.fixture(scope="module")
def raw() -> dict:
    """compose.yaml as written (anchors and merge keys resolved by the YAML loader)."""
    return yaml.safe_load((REPO / "compose.yaml").read_text())


@pytest.fixture(scope="module")
def compose(raw: dict) -> dict:
    """compose.yaml after interpolation with the required secrets set."""
    env = {"MINIO_ROOT_USER": "records-admin", "MINIO_ROOT_PASSWORD": "pw-minio-123", "REDIS_PASSWORD": "pw-redis-456"}
    return interpolate(raw, env)


def env_of(service: dict) -> dict[str, str]:
    env = service.get("environment") or {}
    if isinstance(env, list):
        env = dict(item.split("=", 1) for item in env)
    return {str(k): str(v) for k, v in env.items()}


def test_every_service_is_there(compose: dict) -> None:
    assert set(compose["services"]) == {*BACKENDS, *APPS}


def test_every_service_has_a_healthcheck(compose: dict) -> None:
    for name, service in compose["services"].items():
        check = service.get("healthcheck")
        assert check and check.get("test"), f"{name} has no healthcheck"
        assert check["test"][0] in ("CMD", "CMD-SHELL"), f"{name}: healthcheck test must be CMD or CMD-SHELL"
        for key in ("interval", "timeout", "retries"):
            assert key in check, f"{name}: healthcheck has no {key}"


def test_apps_wait_for_healthy_backends(compose: dict) -> None:
    for name in APPS:
        deps = compose["services"][name].get("depends_on") or {}
        for backend in BACKENDS:
            assert deps.get(backend, {}).get("condition") == "service_healthy", f"{name} must wait for {backend}"


def test_worker_can_be_scaled(compose: dict) -> None:
    worker = compose["services"]["worker"]
    assert "container_name" not in worker, "a fixed container_name prevents --scale worker=N"
    assert "ports" not in worker, "a published host port prevents --scale worker=N"
    assert worker["command"] == ["records", "worker"]
    assert env_of(worker)["RECORDS_WORKERS"] == "1"


def test_apps_get_every_backend_from_the_environment(compose: dict) -> None:
    minio = env_of(compose["services"]["minio"])
    for name in APPS:
        env = env_of(compose["services"][name])
        assert env["RECORDS_S3_ENDPOINT"] == "http://minio:9000"
        assert env["RECORDS_S3_ACCESS_KEY"] == minio["MINIO_ROOT_USER"] == "records-admin"
        assert env["RECORDS_S3_SECRET_KEY"] == minio["MINIO_ROOT_PASSWORD"] == "pw-minio-123"
        assert env["RECORDS_ES_URL"] == "http://elasticsearch:9200"
        assert env["RECORDS_REDIS_URL"] == "redis://:pw-redis-456@redis:6379/0"
        assert env["RECORDS_HOME"] == "/data"


def test_secrets_only_come_from_the_environment(raw: dict) -> None:
    """Every secret-looking setting is a required ${VAR:?...} reference, never a value written in the file."""
    for name, service in raw["services"].items():
        for key, value in env_of(service).items():
            if SECRET_WORDS.search(key):
                assert re.fullmatch(r"\$\{[A-Z_]+:\?[^}]*\}", value), f"{name}.{key} must be ${{VAR:?...}}: {value!r}"
    for var in SECRET_VARS:
        env = {v: "x" for v in SECRET_VARS if v != var}
        with pytest.raises(MissingVariable, match=var):
            interpolate(raw, env)
    text = (REPO / "compose.yaml").read_text()
    assert "pw-" not in text and "minioadmin" not in text


def test_only_the_api_is_published_and_on_loopback_by_default(compose: dict) -> None:
    for name, service in compose["services"].items():
        if name != "api":
            assert "ports" not in service, f"{name} must not publish a port"
    assert compose["services"]["api"]["ports"] == ["127.0.0.1:8000:8000"]


def test_data_lives_in_named_volumes(compose: dict) -> None:
    declared = set(compose["volumes"])
    mounts = {
        "redis": "/data",
        "minio": "/data",
        "elasticsearch": "/usr/share/elasticsearch/data",
        "api": "/data",
        "worker": "/data",
    }
    for name, target in mounts.items():
        vols = compose["services"][name]["volumes"]
        sources = [v.split(":")[0] for v in vols if v.split(":")[1] == target]
        assert sources and sources[0] in declared, f"{name}: {target} is not on a named volume"
    assert compose["services"]["api"]["volumes"] == compose["services"]["worker"]["volumes"]


def test_elasticsearch_is_a_single_node_of_the_client_major(compose: dict) -> None:
    from importlib.metadata import version

    es = compose["services"]["elasticsearch"]
    assert env_of(es)["discovery.type"] == "single-node"
    server_major = es["image"].rsplit(":", 1)[1].split(".")[0]
    assert server_major == version("elasticsearch").split(".")[0]


def test_app_commands_exist_in_the_cli(compose: dict) -> None:
    """The commands compose runs are real `records` subcommands taking those options."""
    for name in APPS:
        command = compose["services"][name]["command"]
        assert command[0] == "records"
        proc = subprocess.run(
            [sys.executable, "-m", "cli.main", *command[1:2], "--help"], cwd=REPO, capture_output=True, text=True
        )
        assert proc.returncode == 0, f"`records {command[1]}` does not exist: {proc.stderr[-500:]}"
        for option in (a for a in command[2:] if a.startswith("--")):
            assert option in proc.stdout, f"`records {command[1]}` has no {option} option"


def test_dockerfile_installs_ocr_languages_and_the_package() -> None:
    text = (REPO / "Dockerfile").read_text()
    base = re.search(r"^FROM\s+(\S+)", text, re.M).group(1)
    assert base.startswith("python:") and "bookworm" in base, f"base image {base} is not a Debian python image"
    for pkg in ("tesseract-ocr", *(f"tesseract-ocr-{lang}" for lang in ("vie", "urd", "ara", "eng", "osd"))):
        assert re.search(rf"\b{re.escape(pkg)}\b", text), f"Dockerfile does not install {pkg}"
    assert re.search(r"pip install .*\.(\s|$)", text), "Dockerfile does not pip install the project"
    assert re.search(r"^USER\s+(?!root)\S+", text, re.M), "the app must not run as root"
    copied = set(re.findall(r"^COPY\s+(\S+)\s", text, re.M))
    import tomllib

    packages = tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"]["find"]
    for pattern in packages["include"]:
        assert pattern.rstrip("*") in copied, f"Dockerfile does not copy the {pattern.rstrip('*')} package"
