"""What needs a person now, gathered from the apps: the home page's list, the API's
``/me/attention``, the badges in the navigation and the pages' short poll.

Core knows no app: each app registers a source from its ``AppConfig.ready`` (as core.jobs and
core.mydata are filled). A source is ``fn(person, now, with_items) -> Part``: its counts by kind,
and, when ``with_items``, at most ``ITEMS_PER_KIND`` items of each of its kinds, only what the person
may open (the app's own ``visible_to``). Without items a source answers with a query or two: the
poll asks for counts only, and those are kept for ``TTL`` seconds per person (dropped when the
person acts, ``forget``). ``Part.mark`` names anything else that changes the person's lists
without changing a count (a directive withdrawn after it was read): the poll's tag covers it.

So drawing a page costs no query for its badges: they come from the counts kept by the last poll
(every 10 s while a page is open) or the home page; a page drawn without them leaves the badges
empty and its script polls at once."""

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from django.core.cache import cache
from django.utils import timezone

# The kinds, in the order they are listed when equally urgent.
KINDS = ("directives_to_ack", "difficulties_waiting", "action_items", "reports_missing", "silent_units",
         "transfers_to_decide", "erasures_to_approve",
         "events_to_answer",
         "network_counts_to_confirm")
ITEMS_PER_KIND = 5
TTL = 30  # seconds the counts for the badges are kept per person (the pages' poll refreshes them)


@dataclass(frozen=True)
class Item:
    kind: str
    count: int
    title: str
    url: str
    due_at: datetime | None = None
    overdue: bool = False
    urgent: bool = False


@dataclass
class Part:
    counts: dict[str, int] = field(default_factory=dict)
    items: list[Item] = field(default_factory=list)
    mark: str = ""


@dataclass
class Attention:
    counts: dict[str, int]
    items: list[Item]
    tag: str = ""

    @property
    def total(self) -> int:
        return sum(self.counts.values())


_SOURCES: dict[str, Callable[[object, datetime, bool], Part]] = {}


def register_attention(name: str, fn: Callable[[object, datetime, bool], Part]) -> None:
    """Registering the same name again replaces it."""
    _SOURCES[name] = fn


def registered_sources() -> dict[str, Callable]:
    return dict(_SOURCES)


def _order(item: Item) -> tuple:
    """Overdue first; then the soonest due (those without a due time after); then urgent; then by kind."""
    return (not item.overdue, item.due_at is None, item.due_at.timestamp() if item.due_at else 0,
            not item.urgent, KINDS.index(item.kind) if item.kind in KINDS else len(KINDS))


def _gather(person, now: datetime, with_items: bool) -> Attention:
    counts = dict.fromkeys(KINDS, 0)
    items: list[Item] = []
    marks = []
    for name, fn in _SOURCES.items():
        part = fn(person, now, with_items)
        for kind, n in part.counts.items():
            counts[kind] = counts.get(kind, 0) + n
        items.extend(part.items)
        marks.append(f"{name}={part.mark}")
    items.sort(key=_order)
    raw = "|".join([*(f"{k}:{counts[k]}" for k in sorted(counts)), *sorted(marks)])
    return Attention(counts, items, hashlib.blake2s(raw.encode(), digest_size=8).hexdigest())


def attention_for(person, now: datetime | None = None) -> Attention:
    """Counts by kind and the items, most urgent first, counted afresh (and kept for the badges)."""
    got = _gather(person, now or timezone.now(), True)
    cache.set(_key(person.pk), Attention(got.counts, [], got.tag), TTL)
    return got


def _key(person_id) -> str:
    return f"attention:counts:{person_id}"


def counts_for(person) -> Attention:
    """Counts and the tag only (no items), counted afresh and kept ``TTL`` seconds for the badges."""
    got = _gather(person, timezone.now(), False)
    cache.set(_key(person.pk), got, TTL)
    return got


def kept_counts(person) -> Attention | None:
    """The counts kept by the last count for this person (the pages' poll, or the home page), or
    None: a page draws its badges from these and asks no query; without them its script polls at once."""
    return cache.get(_key(person.pk))


def forget(person_or_id) -> None:
    """The person acted (acknowledged, read, marked done): their next page counts afresh."""
    cache.delete(_key(getattr(person_or_id, "pk", person_or_id)))


def first_urls(got: Attention) -> dict[str, str]:
    """The link of the most urgent item of each kind (for a count that links somewhere)."""
    out: dict[str, str] = {}
    for item in got.items:
        out.setdefault(item.kind, item.url)
    return out
