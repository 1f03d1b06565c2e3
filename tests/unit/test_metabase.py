"""newswatch.metabase against a fake Metabase on a loopback server.

The fake answers the endpoints `connect_metabase` uses in the shapes Metabase v0.56 gives (see the
module docstring for where they come from), records every request, and insists on the session
header wherever the real one does, so the tests check the exact calls and payloads.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from newswatch.cli import main
from newswatch.errors import ConfigError, RetryableError, ServiceUnavailableError
from newswatch.metabase import connect_metabase

ADMIN_EMAIL = "analyst-admin@example.org"
ADMIN_PASSWORD = "adm1n-Secret-7f3a9c"
BI_PASSWORD = "bi-Secret-2b8e41"
SETUP_TOKEN = "4f6d2c1e-setup-token"
MASKED = "**MetabasePass**"  # what Metabase shows instead of a stored password

EXPECTED_DATABASE = {
    "engine": "postgres",
    "name": "newswatch",
    "details": {
        "host": "news-db",
        "port": 5432,
        "dbname": "news",
        "user": "newswatch_bi",
        "password": BI_PASSWORD,
        "ssl": False,
        "schema-filters-type": "inclusion",
        "schema-filters-patterns": "reporting",
    },
}


@dataclass
class Request:
    method: str
    path: str
    session: str | None
    body: Any


@dataclass
class FakeMetabase:
    has_user: bool = False
    health_failures: int = 0  # answer 503 this many times before {"status": "ok"}
    list_shape: str = "data"  # "data": {"data": [...], "total": n}; "list": bare list; "no-details"
    setup_error: tuple[int, Any] | None = None
    databases: list[dict[str, Any]] = field(default_factory=list)
    requests: list[Request] = field(default_factory=list)
    sessions: set[str] = field(default_factory=set)
    password: str = ADMIN_PASSWORD
    url: str = ""

    def paths(self) -> list[str]:
        return [f"{r.method} {r.path}" for r in self.requests]

    def answer(self, method: str, path: str, session: str | None, body: Any) -> tuple[int, Any]:
        self.requests.append(Request(method, path, session, body))
        if (method, path) == ("GET", "/api/health"):
            if self.health_failures:
                self.health_failures -= 1
                return 503, {"status": "initializing", "progress": 0.3}
            return 200, {"status": "ok"}
        if (method, path) == ("GET", "/api/session/properties"):
            token = None if self.has_user else SETUP_TOKEN
            return 200, {"has-user-setup": self.has_user, "setup-token": token,
                         "version": {"tag": "v0.56.4"}, "site-name": "Metabase"}
        if (method, path) == ("POST", "/api/setup"):
            if self.setup_error:
                return self.setup_error
            if self.has_user:
                return 403, {"message": "The /api/setup route can only be used to create the first user, "
                                        "however a user currently exists."}
            if body.get("token") != SETUP_TOKEN:
                return 400, {"errors": {"token": "Token does not match the setup token."}}
            self.has_user, self.password = True, body["user"]["password"]
            return 200, {"id": self._new_session()}
        if (method, path) == ("POST", "/api/session"):
            if (body.get("username"), body.get("password")) != (ADMIN_EMAIL, self.password):
                return 401, {"errors": {"password": "did not match stored password"}}
            return 200, {"id": self._new_session()}
        if session not in self.sessions:
            return 401, "Unauthenticated"  # Metabase answers a bare string here
        if (method, path) == ("PUT", "/api/setting/anon-tracking-enabled"):
            return 204, None
        if (method, path) == ("GET", "/api/database"):
            rows = [self._listed(db) for db in self.databases]
            return 200, rows if self.list_shape == "list" else {"data": rows, "total": len(rows)}
        if method == "GET" and path.startswith("/api/database/"):
            return 200, self._listed(self._by_id(int(path.rsplit("/", 1)[1])), with_details=True)
        if (method, path) == ("POST", "/api/database"):
            created = {"id": len(self.databases) + 1, **body}
            self.databases.append(created)
            return 200, self._listed(created)
        if method == "PUT" and path.startswith("/api/database/"):
            db = self._by_id(int(path.rsplit("/", 1)[1]))
            db.update(name=body["name"], engine=body["engine"], details={**db["details"], **body["details"]})
            return 200, self._listed(db)
        return 404, "API endpoint does not exist."

    def _new_session(self) -> str:
        key = f"session-{len(self.sessions) + 1}"
        self.sessions.add(key)
        return key

    def _by_id(self, db_id: int) -> dict[str, Any]:
        (db,) = [db for db in self.databases if db["id"] == db_id]
        return db

    def _listed(self, db: dict[str, Any], *, with_details: bool = False) -> dict[str, Any]:
        shown = {k: v for k, v in db.items() if k != "details"}
        if with_details or self.list_shape != "no-details":
            shown["details"] = {**db["details"], "password": MASKED}
        return shown


@pytest.fixture
def fake() -> Iterator[FakeMetabase]:
    state = FakeMetabase()

    class Handler(BaseHTTPRequestHandler):
        def _handle(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            body = json.loads(raw) if raw else None
            session = self.headers.get("X-Metabase-Session")
            status, answer = state.answer(self.command, self.path, session, body)
            data = b"" if answer is None else json.dumps(answer).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        do_GET = do_POST = do_PUT = _handle

        def log_message(self, *_args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
    thread.start()
    state.url = f"http://127.0.0.1:{server.server_address[1]}/"
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def connect(fake: FakeMetabase, **overrides: Any) -> str:
    kwargs: dict[str, Any] = dict(
        admin_email=ADMIN_EMAIL, admin_password=ADMIN_PASSWORD, db_host="news-db", db_port=5432,
        db_name="news", db_user="newswatch_bi", db_password=BI_PASSWORD, timeout_s=5, poll_interval_s=0.01,
    )
    return connect_metabase(fake.url, **{**kwargs, **overrides})


def test_a_fresh_metabase_is_set_up_then_given_the_database(fake: FakeMetabase) -> None:
    assert connect(fake) == "created with setup"
    assert fake.paths() == [
        "GET /api/health",
        "GET /api/session/properties",
        "POST /api/setup",
        "PUT /api/setting/anon-tracking-enabled",
        "GET /api/database",
        "POST /api/database",
    ]
    setup = fake.requests[2]
    assert setup.body == {
        "token": SETUP_TOKEN,
        "user": {"first_name": "newswatch", "last_name": "admin", "email": ADMIN_EMAIL,
                 "password": ADMIN_PASSWORD},
        "prefs": {"site_name": "newswatch"},
    }
    # v0.51+ ignores a database in /api/setup and turns tracking on: both are separate calls.
    assert "database" not in setup.body
    tracking, listing, create = fake.requests[3:]
    assert tracking.body == {"value": False}
    assert create.body == EXPECTED_DATABASE
    # everything after setup uses the session setup returned
    assert tracking.session == listing.session == create.session == "session-1"


def test_a_set_up_metabase_without_the_database_gets_it_added(fake: FakeMetabase) -> None:
    fake.has_user = True
    fake.databases = [{"id": 1, "name": "Sample Database", "engine": "h2", "details": {"db": "sample.db"}}]
    assert connect(fake) == "added"
    assert fake.paths() == [
        "GET /api/health",
        "GET /api/session/properties",
        "POST /api/session",
        "GET /api/database",
        "POST /api/database",
    ]
    login, listing, create = fake.requests[2:]
    assert login.body == {"username": ADMIN_EMAIL, "password": ADMIN_PASSWORD}
    assert login.session is None
    assert listing.session == create.session == "session-1"
    assert create.body == EXPECTED_DATABASE


@pytest.mark.parametrize("list_shape", ["data", "list", "no-details"])
def test_an_existing_connection_is_updated_not_duplicated(fake: FakeMetabase, list_shape: str) -> None:
    fake.has_user, fake.list_shape = True, list_shape
    old_details = {**EXPECTED_DATABASE["details"], "password": "the-old-password"}
    fake.databases = [
        # same display name, another server: not ours, left alone
        {"id": 3, "name": "newswatch", "engine": "postgres", "details": {**old_details, "host": "elsewhere"}},
        {"id": 7, "name": "newswatch", "engine": "postgres", "details": old_details},
    ]
    assert connect(fake) == "updated"
    writes = [r for r in fake.requests if r.method in ("POST", "PUT") and r.path.startswith("/api/database")]
    assert [(r.method, r.path) for r in writes] == [("PUT", "/api/database/7")]
    assert writes[0].body == EXPECTED_DATABASE
    assert fake._by_id(7)["details"]["password"] == BI_PASSWORD
    assert fake._by_id(3)["details"]["password"] == "the-old-password"
    assert len(fake.databases) == 2


def test_running_twice_is_idempotent(fake: FakeMetabase) -> None:
    assert connect(fake) == "created with setup"
    assert connect(fake, db_password="rotated-Bi-password-9") == "updated"
    assert fake.paths().count("POST /api/setup") == 1
    assert fake.paths().count("POST /api/database") == 1
    (db,) = fake.databases
    assert db["details"]["password"] == "rotated-Bi-password-9"
    assert db["details"]["user"] == "newswatch_bi"


def test_a_slow_start_is_waited_for(fake: FakeMetabase) -> None:
    fake.health_failures = 2
    assert connect(fake) == "created with setup"
    assert fake.paths()[:4] == ["GET /api/health"] * 3 + ["GET /api/session/properties"]


def test_metabase_never_healthy_is_a_retryable_error(fake: FakeMetabase) -> None:
    fake.health_failures = 10_000
    with pytest.raises(ServiceUnavailableError) as caught:
        connect(fake, timeout_s=0.3)
    assert isinstance(caught.value, RetryableError)
    assert "did not report healthy within 0.3 s" in str(caught.value)
    assert "HTTP 503" in str(caught.value)
    assert all(r.path == "/api/health" for r in fake.requests)


def test_nothing_listening_is_a_retryable_error() -> None:
    with pytest.raises(ServiceUnavailableError, match="did not report healthy"):
        connect_metabase("http://127.0.0.1:9", admin_email=ADMIN_EMAIL, admin_password=ADMIN_PASSWORD,
                         db_host="news-db", db_port=5432, db_name="news", db_user="newswatch_bi",
                         db_password=BI_PASSWORD, timeout_s=0.2, poll_interval_s=0.05)


def test_a_rejected_setup_surfaces_metabases_message_without_the_password(fake: FakeMetabase) -> None:
    # Metabase's validation errors can echo the value they reject.
    fake.setup_error = (400, {"errors": {"password": f"password is too common., received: {ADMIN_PASSWORD}"}})
    with pytest.raises(ConfigError) as caught:
        connect(fake)
    message = str(caught.value)
    assert "POST /api/setup" in message and "HTTP 400" in message
    assert "password is too common" in message
    assert ADMIN_PASSWORD not in message and "***" in message
    assert "POST /api/database" not in fake.paths()


def test_a_wrong_admin_password_says_which_settings_to_check(fake: FakeMetabase) -> None:
    fake.has_user, fake.password = True, "changed-in-the-UI-1"
    with pytest.raises(ConfigError) as caught:
        connect(fake)
    message = str(caught.value)
    assert "HTTP 401" in message and "did not match stored password" in message
    assert "MB_ADMIN_PASSWORD" in message and ADMIN_PASSWORD not in message


def test_passwords_never_reach_the_log(fake: FakeMetabase, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    fake.health_failures = 1
    connect(fake)
    connect(fake)
    assert caplog.records, "expected progress lines"
    assert ADMIN_PASSWORD not in caplog.text and BI_PASSWORD not in caplog.text
    assert SETUP_TOKEN not in caplog.text
    assert "newswatch_bi" in caplog.text


def test_cli_connects_with_settings_from_the_environment(
    fake: FakeMetabase, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("MB_ADMIN_EMAIL", ADMIN_EMAIL)
    monkeypatch.setenv("MB_ADMIN_PASSWORD", ADMIN_PASSWORD)
    monkeypatch.setenv("NEWSWATCH_BI_PASSWORD", BI_PASSWORD)
    for name in ("NEWS_DB_HOST", "NEWS_DB_PORT", "NEWS_DB_NAME"):
        monkeypatch.delenv(name, raising=False)
    assert main(["metabase", "connect", "--url", fake.url, "--timeout", "5"]) == 0
    out, err = capsys.readouterr()
    assert "newswatch_bi@news-db:5432/news" in out and "created with setup" in out
    assert ADMIN_PASSWORD not in out + err and BI_PASSWORD not in out + err
    (create,) = [r for r in fake.requests if r.method == "POST" and r.path == "/api/database"]
    assert create.body == EXPECTED_DATABASE


def test_cli_names_the_missing_variables(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("MB_ADMIN_EMAIL", ADMIN_EMAIL)
    monkeypatch.delenv("MB_ADMIN_PASSWORD", raising=False)
    monkeypatch.setenv("NEWSWATCH_BI_PASSWORD", "")
    assert main(["metabase", "connect", "--url", "http://127.0.0.1:9"]) == 2
    err = capsys.readouterr().err
    assert "MB_ADMIN_PASSWORD" in err and "NEWSWATCH_BI_PASSWORD" in err and "MB_ADMIN_EMAIL" not in err


def test_cli_reports_metabase_errors_with_exit_2(
    fake: FakeMetabase, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    fake.has_user, fake.password = True, "someone-else-1"
    monkeypatch.setenv("MB_ADMIN_EMAIL", ADMIN_EMAIL)
    monkeypatch.setenv("MB_ADMIN_PASSWORD", ADMIN_PASSWORD)
    monkeypatch.setenv("NEWSWATCH_BI_PASSWORD", BI_PASSWORD)
    assert main(["metabase", "connect", "--url", fake.url, "--timeout", "5"]) == 2
    err = capsys.readouterr().err
    assert "HTTP 401" in err and ADMIN_PASSWORD not in err
