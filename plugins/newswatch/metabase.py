"""Connect Metabase (compose's `bi` profile) to the news database as the read-only BI role.

``connect_metabase`` is idempotent; ``newswatch metabase connect`` (the one-shot ``metabase-init``
service in docker-compose.yml) runs it on every ``docker compose --profile bi up``:

1. wait until ``GET /api/health`` answers ``{"status": "ok"}`` (on its first start Metabase
   migrates its own application database for minutes and answers 503 meanwhile);
2. ``GET /api/session/properties``: while ``has-user-setup`` is false, ``POST /api/setup`` with the
   ``setup-token`` found there creates the admin user and returns a session, and anonymous usage
   tracking is switched off; otherwise ``POST /api/session`` logs the admin in;
3. ``GET /api/database``: no database with our name, host and database name yet → ``POST
   /api/database``; one → ``PUT /api/database/{id}`` with the current details, so a rotated
   ``NEWSWATCH_BI_PASSWORD`` reaches Metabase on the next start.

The payloads target Metabase v0.56.4, the tag docker-compose.yml pins. Checked against Metabase's
API reference (metabase.com/docs/<version>/api/setup, .../api/database) and its source
(src/metabase/setup/api.clj, src/metabase/session/api.clj, src/metabase/warehouses/api.clj):

* ``POST /api/setup`` takes only ``token``, ``user`` (``email``, ``password``, ``first_name``,
  ``last_name``) and ``prefs`` (``site_name``, ``site_locale``): the ``database``, ``engine`` and
  ``allow_tracking`` parameters left it around v0.51/v0.52 (the API reference lists them up to
  then; setup/api.clj of the v0.5x line and today's setup_rest/api.clj have neither). A
  ``database`` key is silently ignored, and setup always turns tracking on. Hence the separate
  ``POST /api/database`` and ``PUT /api/setting/anon-tracking-enabled`` after setup.
* ``POST /api/setup`` and ``POST /api/session`` answer ``{"id": "<session key>"}``; the key goes
  back in the ``X-Metabase-Session`` header.
* ``GET /api/database`` answers ``{"data": [...], "total": n}`` (a bare list in old versions);
  for an admin every entry carries its ``details``, passwords masked.
* ``POST /api/database`` and ``PUT /api/database/{id}`` test the connection first and answer 400
  ``{"message": ..., "errors": {...}}`` when it fails. Even with ``"ssl": false``, ``POST`` tries
  SSL first and keeps it if the server accepts (news-db, the stock postgres image, does not).
* PostgreSQL ``details``: ``host``, ``port``, ``dbname``, ``user``, ``password``, ``ssl``,
  ``schema-filters-type`` (``all`` / ``inclusion`` / ``exclusion``) and
  ``schema-filters-patterns`` (comma-separated): ``reporting`` is the only schema the BI role can
  read, so it is the only one Metabase syncs.

This talks to a service on the compose network, not to outlets, so it uses urllib from the
standard library (proxies off: the target is always direct) rather than ``http.py``, whose
private-address guard refuses hosts like ``metabase:3000`` by design. Passwords are never logged
and are masked (``***``) in every error message.
"""

from __future__ import annotations

import http.client
import json
import logging
import time
import urllib.error
import urllib.request
from collections.abc import Iterable
from typing import Any

from newswatch.errors import ConfigError, ServiceUnavailableError

log = logging.getLogger(__name__)

METABASE_VERSION = "v0.56.4"
BI_ROLE = "newswatch_bi"
REPORTING_SCHEMA = "reporting"

# One health probe must not eat the whole deadline when Metabase accepts but stalls.
HEALTH_REQUEST_TIMEOUT_S = 10.0
# POST/PUT /api/database open a connection to the news database (SSL attempt, then plain)
# before they answer; a minute covers that with room to spare.
REQUEST_TIMEOUT_S = 60.0
_MAX_MESSAGE_CHARS = 500
_NETWORK_ERRORS = (OSError, http.client.HTTPException)  # URLError and timeouts are OSErrors


class _MetabaseAPI:
    """JSON over HTTP to one Metabase; raises typed errors with secrets masked."""

    def __init__(self, base_url: str, secrets: Iterable[str]) -> None:
        self.base_url = base_url.rstrip("/")
        self.session: str | None = None
        self._secrets = sorted({s for s in secrets if s}, key=len, reverse=True)
        self._opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))

    def mask(self, text: str) -> str:
        for secret in self._secrets:
            text = text.replace(secret, "***")
        return text

    def send(self, method: str, path: str, body: Any = None, *, timeout: float) -> tuple[int, bytes]:
        """One request; (status, raw body) for any HTTP answer, network errors propagate."""
        data = None if body is None else json.dumps(body).encode("utf-8")
        request = urllib.request.Request(self.base_url + path, data=data, method=method)
        request.add_header("Accept", "application/json")
        if data is not None:
            request.add_header("Content-Type", "application/json")
        if self.session:
            request.add_header("X-Metabase-Session", self.session)
        try:
            with self._opener.open(request, timeout=timeout) as response:
                return int(response.status), response.read()
        except urllib.error.HTTPError as exc:
            with exc:
                return exc.code, exc.read()

    def call(self, method: str, path: str, body: Any = None, *, timeout: float = REQUEST_TIMEOUT_S) -> Any:
        """The decoded JSON answer; ConfigError for 4xx, ServiceUnavailableError otherwise."""
        what = f"Metabase {method} {path}"
        try:
            status, raw = self.send(method, path, body, timeout=timeout)
        except _NETWORK_ERRORS as exc:
            raise ServiceUnavailableError(f"{what}: {self.mask(_describe(exc))}") from None
        if status >= 400:
            message = _clip(self.mask(_error_message(raw)))
            error = ServiceUnavailableError if status >= 500 else ConfigError
            raise error(f"{what}: HTTP {status}: {message}")
        if not raw.strip():
            return None
        try:
            return json.loads(raw)
        except ValueError:
            raise ConfigError(f"{what}: HTTP {status} but not JSON; is {self.base_url} a Metabase?") from None


def _describe(exc: BaseException) -> str:
    reason = getattr(exc, "reason", None)
    return f"{type(exc).__name__}: {reason if reason is not None else exc}"


def _error_message(raw: bytes) -> str:
    """Metabase's own words: ``message`` and per-field ``errors``, else the body as text."""
    text = raw.decode("utf-8", "replace").strip()
    try:
        body = json.loads(text)
    except ValueError:
        body = None
    parts: list[str] = []
    if isinstance(body, dict):
        if body.get("message"):
            parts.append(str(body["message"]))
        errors = body.get("errors")
        if isinstance(errors, dict):
            parts.extend(f"{key}: {value}" for key, value in errors.items())
        elif errors:
            parts.append(str(errors))
    elif isinstance(body, str):
        parts.append(body)
    return "; ".join(parts) or text or "(empty answer)"


def _clip(message: str) -> str:
    """Cut long answers short; applied after masking, so a cut never leaves part of a secret."""
    return message if len(message) <= _MAX_MESSAGE_CHARS else message[:_MAX_MESSAGE_CHARS] + "…"


def _wait_until_healthy(api: _MetabaseAPI, timeout_s: float, poll_interval_s: float) -> None:
    started = time.monotonic()
    deadline = started + timeout_s
    last = "no answer yet"
    log.info("waiting for Metabase at %s to report healthy (up to %.0f s)", api.base_url, timeout_s)
    while True:
        remaining = deadline - time.monotonic()
        try:
            probe_timeout = max(0.5, min(HEALTH_REQUEST_TIMEOUT_S, remaining))
            status, raw = api.send("GET", "/api/health", timeout=probe_timeout)
        except _NETWORK_ERRORS as exc:
            last = _describe(exc)
        else:
            try:
                body = json.loads(raw)
            except ValueError:
                body = None
            if status == 200 and isinstance(body, dict) and body.get("status") == "ok":
                log.info("Metabase at %s is healthy after %.0f s", api.base_url, time.monotonic() - started)
                return
            last = f"HTTP {status}: {_error_message(raw)}"
        if time.monotonic() >= deadline:
            raise ServiceUnavailableError(
                f"Metabase at {api.base_url} did not report healthy within {timeout_s:g} s "
                f"(last answer: {_clip(api.mask(last))})"
            )
        time.sleep(max(0.0, min(poll_interval_s, deadline - time.monotonic())))


def _session_key(answer: Any, path: str) -> str:
    if isinstance(answer, dict) and isinstance(answer.get("id"), str) and answer["id"]:
        return answer["id"]
    raise ConfigError(f"Metabase POST {path}: the answer has no session id")


def _find_database(api: _MetabaseAPI, name: str, host: str, dbname: str) -> int | None:
    """Id of the database entry with this name whose details point at host/dbname, if any."""
    listing = api.call("GET", "/api/database")
    rows = listing.get("data") if isinstance(listing, dict) else listing
    if not isinstance(rows, list):
        raise ConfigError("Metabase GET /api/database: expected a list or {\"data\": [...]}")
    for row in rows:
        if not isinstance(row, dict) or row.get("name") != name or "id" not in row:
            continue
        details = row.get("details")
        if not isinstance(details, dict):
            # Lists without details (old versions): the single-database answer has them for admins.
            one = api.call("GET", f"/api/database/{int(row['id'])}")
            details = one.get("details") if isinstance(one, dict) else None
        if isinstance(details, dict) and details.get("host") == host and details.get("dbname") == dbname:
            return int(row["id"])
    return None


def connect_metabase(
    base_url: str,
    *,
    admin_email: str,
    admin_password: str,
    db_host: str,
    db_port: int,
    db_name: str,
    db_user: str,
    db_password: str,
    display_name: str = "newswatch",
    site_name: str = "newswatch",
    timeout_s: float = 600,
    poll_interval_s: float = 2.0,
) -> str:
    """Make Metabase at ``base_url`` show the news database as ``display_name``, read as ``db_user``.

    Sets Metabase up (first admin user) when nobody has yet. Returns what was done: "created with
    setup", "added" or "updated". Raises ServiceUnavailableError when Metabase is not healthy
    within ``timeout_s``, cannot be reached or answers 5xx; ConfigError for 4xx answers (bad admin
    password, a connection test that failed, a rejected payload), with Metabase's message.
    """
    api = _MetabaseAPI(base_url, secrets=(admin_password, db_password))
    _wait_until_healthy(api, timeout_s, poll_interval_s)

    database = {
        "engine": "postgres",
        "name": display_name,
        "details": {
            "host": db_host,
            "port": db_port,
            "dbname": db_name,
            "user": db_user,
            "password": db_password,
            "ssl": False,
            "schema-filters-type": "inclusion",
            "schema-filters-patterns": REPORTING_SCHEMA,
        },
    }

    properties = api.call("GET", "/api/session/properties")
    if not isinstance(properties, dict):
        raise ConfigError("Metabase GET /api/session/properties: expected a JSON object")
    set_up_now = not properties.get("has-user-setup")
    if set_up_now:
        token = properties.get("setup-token")
        if not token:
            raise ConfigError("Metabase has no user yet but GET /api/session/properties gave no setup-token")
        answer = api.call("POST", "/api/setup", {
            "token": token,
            "user": {"first_name": "newswatch", "last_name": "admin", "email": admin_email,
                     "password": admin_password},
            "prefs": {"site_name": site_name},
        })
        api.session = _session_key(answer, "/api/setup")
        # Setup itself switches tracking on (v0.51+ ignores prefs.allow_tracking); only on first
        # setup, so an admin's later choice in the UI is left alone.
        api.call("PUT", "/api/setting/anon-tracking-enabled", {"value": False})
        log.info("Metabase set up with admin %s", admin_email)
    else:
        try:
            answer = api.call("POST", "/api/session", {"username": admin_email, "password": admin_password})
        except ConfigError as exc:
            hint = "are MB_ADMIN_EMAIL / MB_ADMIN_PASSWORD the admin's current login?"
            raise ConfigError(f"{exc} ({hint})") from None
        api.session = _session_key(answer, "/api/session")

    existing = _find_database(api, display_name, db_host, db_name)
    if existing is None:
        api.call("POST", "/api/database", database)
        outcome = "created with setup" if set_up_now else "added"
    else:
        api.call("PUT", f"/api/database/{existing}", database)
        outcome = "updated"
    log.info("Metabase database %r (%s@%s:%s/%s, schema %s): %s",
             display_name, db_user, db_host, db_port, db_name, REPORTING_SCHEMA, outcome)
    return outcome
