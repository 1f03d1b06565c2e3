"""The exception tree: systemic failures raise, per-item failures are data.

::

    NewswatchError                 base of everything newswatch raises on purpose
    ├── RetryableError             systemic and probably transient: the database is down, the
    │                              disk is full, the whole network is unreachable. Airflow's task
    │                              retries are the right answer, so let it propagate.
    │   ├── OutletFailureError     one outlet's failure rate passed the threshold (its task fails)
    │   └── ServiceUnavailableError a service we configure (Metabase) did not answer in time
    └── PermanentError             retrying the same input cannot help; a human must act
        ├── ConfigError            a bad environment variable or setting
        ├── SourcesError           the sources file is invalid (carries every message found)
        └── DataQualityError       a data invariant is broken after a load

Per-item failures are NOT exceptions. A feed that answers 404, an article behind a size cap, a
host refused by the private-address guard, a malformed sitemap: each is recorded as an outcome
(``RawPage.outcome``, ``ParsedFeed.error``, ``Discovery.errors``) so it is archived and counted,
and the run carries on with the next item.
"""

from __future__ import annotations

from collections.abc import Iterable


class NewswatchError(Exception):
    """Base class of every exception newswatch raises deliberately."""


class RetryableError(NewswatchError):
    """A systemic, probably transient failure; the orchestrator should retry the task."""


class PermanentError(NewswatchError):
    """A failure that retrying cannot fix (bad configuration, bad input file)."""


class ConfigError(PermanentError):
    """An invalid setting or environment variable."""


class SourcesError(PermanentError):
    """The sources file failed validation.

    Validation collects every problem before raising, so one edit-and-rerun cycle can fix them
    all; ``messages`` holds one human-readable line per problem.
    """

    def __init__(self, messages: Iterable[str]) -> None:
        self.messages: list[str] = list(messages)
        count = len(self.messages)
        header = f"{count} problem{'s' if count != 1 else ''} in sources"
        super().__init__("\n".join([header, *(f"  - {m}" for m in self.messages)]))


class DataQualityError(PermanentError):
    """A data invariant is broken after a load (offsets off the body, pages left unprocessed, ...).

    Raised by the quality-check stage so the run is marked failed and someone looks."""


class OutletFailureError(RetryableError):
    """Too many of one outlet's fetches failed in a run (the site is down or blocking us).

    Raised after every attempt is stored, so the mapped task for that outlet fails and Airflow
    retries it later, while the other outlets' tasks carry on."""


class ServiceUnavailableError(RetryableError):
    """A service newswatch configures (Metabase, in compose's `bi` profile) did not become healthy
    before the deadline, could not be reached, or answered 5xx. Starting it again usually helps."""
