"""Many domains in several regions in one run: which ones, in what order, and how it went.

A command's work for one domain (and one region, for SES) is a *unit*. Units run on one
thread pool per region, so regions proceed side by side while each region's SES calls
queue at that region's pace (:mod:`byodkim.aws.pacing`); DNS-only units share a pool of
their own. A unit's failure is its outcome, never the run's: the others go on, the
summary counts it, and the command exits non-zero. Every unit is idempotent, so a re-run
(after a failure or Ctrl-C) does the rest and reads what is done.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Hashable
from concurrent.futures import Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from byodkim.deployment import DomainSpec
from byodkim.errors import ByodkimError, InputError
from byodkim.messages import say

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Sequence

    from byodkim.deployment import Deployment

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")
WORKERS_PER_REGION = 8  # enough to keep a region's bucket busy while calls are in flight
DNS_WORKERS = 32


@dataclass(frozen=True)
class Unit:
    """One domain, in one region (``None`` for work that is not regional, such as a DNS check)."""

    spec: DomainSpec
    region: str | None = None

    @property
    def domain(self) -> str:
        """Return the domain."""
        return self.spec.domain


@dataclass(frozen=True)
class Outcome:
    """What a unit's work came to."""

    domain: str
    region: str | None
    ok: bool
    action: str  # registered, already registered, failed, SUCCESS, ...
    detail: str = ""
    data: dict[str, Any] = field(default_factory=dict)
    next: str = ""  # what to do next, when the command says (report)

    @property
    def said(self) -> str:
        """Return the detail and the next step as one text: ``DETAIL; next: STEP``."""
        if self.next:
            return f"{self.detail}; next: {self.next}" if self.detail else f"next: {self.next}"
        return self.detail

    def as_dict(self) -> dict[str, Any]:
        """Return the JSON object of the unit (one per line with ``-o json``)."""
        return {
            "domain": self.domain,
            "region": self.region,
            "ok": self.ok,
            "action": self.action,
            "detail": self.said,
            **self.data,
        }


@dataclass
class Progress:
    """Counts of a run, and what they say about the time left."""

    total: int
    done: int = 0
    failed: int = 0
    started: float = field(default_factory=time.monotonic)

    @property
    def elapsed(self) -> float:
        """Return the seconds since the run started."""
        return time.monotonic() - self.started

    @property
    def eta(self) -> float | None:
        """Return the seconds left at the pace so far, ``None`` before the first unit is done."""
        if not self.done:
            return None
        return self.elapsed / self.done * (self.total - self.done)


@dataclass(frozen=True)
class Summary:
    """The run's totals, for the last line (or JSON object)."""

    units: int
    failed: int
    seconds: float
    actions: dict[str, int]
    interrupted: bool = False

    @property
    def ok(self) -> bool:
        """Return whether every unit succeeded and the run was not cut short."""
        return not self.failed and not self.interrupted

    def as_dict(self) -> dict[str, Any]:
        """Return the JSON-ready summary."""
        return {
            "summary": {
                "units": self.units,
                "failed": self.failed,
                "seconds": round(self.seconds, 2),
                "actions": self.actions,
                "interrupted": self.interrupted,
            }
        }


def select(
    deployment: Deployment | None,
    domains: Sequence[str],
    *,
    every: bool,
    selector: str | None = None,
    regions: Sequence[str] = (),
) -> list[DomainSpec]:
    """Return the domains a command acts on: every declared one (``--all``), or those named.

    A named domain the deployment declares keeps its declared selector and regions unless
    ``--selector`` or ``--region`` says otherwise; an undeclared one needs ``--selector``
    (where the command needs one) and takes ``--region`` or the default region.
    """
    if every and domains:
        raise InputError(say("fleet.both"))
    if every:
        if deployment is None or not deployment.domains:
            raise InputError(say("fleet.undeclared"), say("fleet.undeclared_hint"))
        chosen = list(deployment.domains)
    else:
        if not domains:
            raise InputError(say("fleet.no_domain"), say("fleet.no_domain_hint"))
        chosen = []
        for name in dict.fromkeys(domains):
            declared = deployment.declared(name) if deployment is not None else None
            chosen.append(declared or DomainSpec(name, selector or "", tuple(regions)))
    return [
        DomainSpec(
            spec.domain,
            selector or spec.selector,
            tuple(dict.fromkeys(regions)) or spec.regions,
        )
        for spec in chosen
    ]


def units(specs: Iterable[DomainSpec], default_region: Callable[[], str] | None = None) -> list[Unit]:
    """Return one unit per domain and region, domain by domain (so every region starts at once)."""
    found = []
    for spec in specs:
        regions = spec.regions or ((default_region(),) if default_region is not None else ())
        if not regions:
            raise InputError(say("fleet.no_region", domain=spec.domain), say("fleet.no_region_hint"))
        found += [Unit(DomainSpec(spec.domain, spec.selector, regions), region) for region in regions]
    return found


def domain_units(specs: Iterable[DomainSpec], default_regions: Callable[[], tuple[str, ...]]) -> list[Unit]:
    """Return one unit per domain (work that is not regional), each spec with its regions filled in."""
    return [Unit(spec if spec.regions else replace(spec, regions=default_regions())) for spec in specs]


class Run:
    """Runs units concurrently and reports each outcome as it comes.

    ``on_outcome`` is called on the caller's thread, one outcome at a time, so a command can
    print without locking. Ctrl-C cancels the units not yet started; those in flight finish
    (each is one domain's idempotent step), and the summary says the run was interrupted.
    """

    def __init__(
        self,
        work: Callable[[Unit], Outcome],
        on_outcome: Callable[[Outcome, Progress], None] | None = None,
        workers_per_region: int = WORKERS_PER_REGION,
        unregional_workers: int | None = None,
    ) -> None:
        self.work, self.on_outcome, self.workers = work, on_outcome, workers_per_region
        self.unregional = unregional_workers or DNS_WORKERS
        self.outcomes: list[Outcome] = []

    def run(self, todo: Sequence[Unit]) -> Summary:
        """Run every unit; return the totals."""
        progress = Progress(len(todo))
        pools: dict[str | None, ThreadPoolExecutor] = {}
        futures: list[Future[Outcome]] = []
        recorded: set[Future[Outcome]] = set()
        interrupted = False
        try:
            for unit in todo:
                pool = pools.get(unit.region)
                if pool is None:
                    size = self.workers if unit.region is not None else self.unregional
                    pool = pools[unit.region] = ThreadPoolExecutor(size, thread_name_prefix=f"fleet-{unit.region}")
                futures.append(pool.submit(self._guarded, unit))
            pending = set(futures)
            while pending:
                finished, pending = wait(pending, timeout=0.5, return_when="FIRST_COMPLETED")
                for future in finished:
                    self._record(future.result(), progress)
                    recorded.add(future)
        except KeyboardInterrupt:
            interrupted = True
            self._finish_in_flight([f for f in futures if f not in recorded], progress)
        finally:
            for pool in pools.values():
                pool.shutdown(wait=True, cancel_futures=True)
        actions: dict[str, int] = {}
        for outcome in self.outcomes:
            actions[outcome.action] = actions.get(outcome.action, 0) + 1
        return Summary(len(todo), progress.failed, progress.elapsed, actions, interrupted)

    def _finish_in_flight(self, futures: list[Future[Outcome]], progress: Progress) -> None:
        """Cancel what has not started; let what is in flight finish its step, so nothing is left half done."""
        for future in futures:
            future.cancel()
        for future in futures:
            if not future.cancelled():
                self._record(future.result(), progress)

    def _record(self, outcome: Outcome, progress: Progress) -> None:
        self.outcomes.append(outcome)
        progress.done += 1
        progress.failed += 0 if outcome.ok else 1
        if self.on_outcome is not None:
            self.on_outcome(outcome, progress)

    def _guarded(self, unit: Unit) -> Outcome:
        try:
            return self.work(unit)
        except ByodkimError as exc:
            return Outcome(unit.domain, unit.region, ok=False, action="failed", detail=_keyed(exc))
        except Exception as exc:  # noqa: BLE001 - one domain's AWS or DNS error must not stop the others
            from byodkim.aws.errors import describe

            return Outcome(unit.domain, unit.region, ok=False, action="failed", detail=describe(exc))


def _keyed(exc: ByodkimError) -> str:
    """Return the error as one line that keeps its keys (so a unit's line renders in any language)."""
    from byodkim.messages import Said, say

    if not isinstance(exc.message, Said) or (exc.hint and not isinstance(exc.hint, Said)):
        return str(exc)
    return say("error.with_hint", message=exc.message, hint=exc.hint) if exc.hint else exc.message


class Once(Generic[K, V]):
    """A value computed once per key by the first unit that asks (e.g. a domain's key, for all its regions)."""

    def __init__(self, make: Callable[[K], V]) -> None:
        self._make = make
        self._lock = threading.Lock()
        self._cells: dict[K, tuple[threading.Lock, list[tuple[bool, Any]]]] = {}

    def get(self, key: K) -> V:
        """Return ``make(key)``, computed once; a failure is raised to every asker."""
        with self._lock:
            cell = self._cells.setdefault(key, (threading.Lock(), []))
        lock, box = cell
        with lock:
            if not box:
                try:
                    box.append((True, self._make(key)))
                except Exception as exc:  # noqa: BLE001 - kept and raised to every region of the domain
                    box.append((False, exc))
        ok, value = box[0]
        if not ok:
            raise value
        made: V = value
        return made


def cores() -> int:
    """Return how many CPUs this process may use (key generation runs on all of them)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1
