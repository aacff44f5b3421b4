"""A person's recent activity (acknowledgements, reports, difficulties raised) for their page.

The people app draws the page but must not import the flow apps above it: each flow app registers
a source from its ``AppConfig.ready`` (as core.mydata and core.jobs are filled). A source is
``fn(viewer, person, limit) -> list[Item]``: at most ``limit`` items of the person's, newest first,
only those the viewer may open (the app's own ``visible_to``), read with one indexed query."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class Item:
    at: datetime
    kind: str  # "ack", "report", "difficulty"
    label: str
    url: str
    note: str = ""  # the person's own words with it (an acknowledgement's reply), shown quoted


_SOURCES: dict[str, Callable[[object, object, int], list[Item]]] = {}


def register_activity(name: str, fn: Callable[[object, object, int], list[Item]]) -> None:
    """Registering the same name again replaces it."""
    _SOURCES[name] = fn


def registered_sources() -> dict[str, Callable]:
    return dict(_SOURCES)


def recent_activity(viewer, person, limit: int = 10) -> list[Item]:
    """The newest ``limit`` items over every source (each asked for ``limit``), newest first."""
    items = [item for fn in _SOURCES.values() for item in fn(viewer, person, limit)]
    items.sort(key=lambda i: i.at, reverse=True)
    return items[:limit]
