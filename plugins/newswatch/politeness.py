"""Per-host politeness held across processes, in PostgreSQL.

Airflow runs one `discover_and_fetch` task per outlet, possibly on several workers at once, and
two outlets can share a host (a wire service's CDN). An in-process limiter cannot see the other
processes, so this gate keeps the shared state in the news database:

- **minimum delay**: `raw.host_schedule.next_request_at` is a reservation book. Under a
  transaction-scoped advisory lock on the host, a caller reads the next free moment, books it
  (pushing `next_request_at` forward by the delay) and sleeps until its moment, outside the lock;
- **concurrency**: N session-level advisory locks per host act as N slots; a caller holds one
  for the duration of its request.

The Airflow pool `newswatch_fetch` caps fetch tasks overall; this gate caps what reaches each host.
"""

from __future__ import annotations

import hashlib
import logging
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import psycopg2.extensions

from newswatch import db

log = logging.getLogger(__name__)

# Advisory-lock namespace (first key) for host slots; the second key is the slot number.
_SLOT_NAMESPACE = 727_100
_POLL_S = 0.05


def _host_key(host: str) -> int:
    """A stable signed 32-bit key for the host (advisory locks take int4 pairs)."""
    return int.from_bytes(hashlib.sha256(host.encode()).digest()[:4], "big", signed=True)


class PgHostGate:
    """HostGate (see newswatch.http) backed by the news database. One connection per gate;
    thread-safe for the few threads a Fetcher uses."""

    def __init__(self, dsn: str | None = None, max_wait_s: float = 600.0) -> None:
        self._conn: psycopg2.extensions.connection = db.connect(dsn)
        self._conn.autocommit = True
        self._lock = threading.Lock()
        self._max_wait_s = max_wait_s

    def close(self) -> None:
        self._conn.close()

    def __enter__(self) -> PgHostGate:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def slot(self, host: str, min_delay_s: float, max_concurrency: int) -> Iterator[None]:
        slot_no = self._acquire_slot(host, max(1, max_concurrency))
        try:
            wait = self._book(host, max(0.0, min_delay_s))
            if wait > 0:
                time.sleep(wait)
            yield
        finally:
            self._release_slot(host, slot_no)

    def _acquire_slot(self, host: str, slots: int) -> int:
        key = _host_key(host)
        deadline = time.monotonic() + self._max_wait_s
        while True:
            with self._lock, self._conn.cursor() as cur:
                for n in range(slots):
                    cur.execute("SELECT pg_try_advisory_lock(%s, %s)", (_SLOT_NAMESPACE + n, key))
                    if cur.fetchone()[0]:
                        return n
            if time.monotonic() > deadline:
                raise TimeoutError(f"no politeness slot for {host} within {self._max_wait_s:.0f} s")
            time.sleep(_POLL_S)

    def _release_slot(self, host: str, slot_no: int) -> None:
        with self._lock, self._conn.cursor() as cur:
            cur.execute("SELECT pg_advisory_unlock(%s, %s)", (_SLOT_NAMESPACE + slot_no, _host_key(host)))

    def _book(self, host: str, delay_s: float) -> float:
        """Reserve the next free start time for `host`; return seconds to wait for it."""
        with self._lock:
            self._conn.autocommit = False
            try:
                with self._conn, self._conn.cursor() as cur:
                    cur.execute("SELECT pg_advisory_xact_lock(%s)", (_host_key(host),))
                    cur.execute(
                        """INSERT INTO raw.host_schedule AS h (host, next_request_at, min_delay_s)
                           VALUES (%(host)s, clock_timestamp() + make_interval(secs => %(d)s), %(d)s)
                           ON CONFLICT (host) DO UPDATE SET
                             next_request_at = greatest(h.next_request_at, clock_timestamp())
                                               + make_interval(secs => %(d)s),
                             min_delay_s = %(d)s
                           RETURNING extract(epoch FROM (next_request_at - clock_timestamp()))""",
                        {"host": host, "d": delay_s},
                    )
                    until_next = float(cur.fetchone()[0])
            finally:
                self._conn.autocommit = True
        # We booked [next - delay, next): our start is `delay` before the new next_request_at.
        return max(0.0, until_next - delay_s)
