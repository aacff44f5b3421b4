"""Erasure (the DPDP Act's right to erasure, and withdrawal of consent): what each app does to a
person's data when the person is erased.

The people app runs the erasure (its erasure module) in one transaction; each app registers,
from its ``AppConfig.ready`` (as it registers its "my data" sections and its timed work), an eraser
``fn(person, marker) -> int`` that replaces the free texts the person wrote with ``marker`` and
deletes what identifies them (photos, messages to their phone), returning how many rows it changed.
Counts, reports and roll-ups stay, attributed to the person's id, whose row then carries a pseudonym.

An eraser names the ``"app_label.Model.field"`` text fields it handles (``"app_label.Model.*"``
when it deletes the rows); tests/test_erasure.py fails when a model with a key to a person has a
text field that no eraser handles and no reason excuses."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db import models

# What a free text becomes: the same in both languages, so it reads the same on every page.
ERASED = "[मिटाया गया · erased]"


@dataclass(frozen=True)
class Eraser:
    label: str
    erase: Callable[[object, str], int]
    covers: tuple[str, ...]


_ERASERS: dict[str, Eraser] = {}


def register_eraser(label: str, fn: Callable[[object, str], int], *, covers: Iterable[str] = ()) -> None:
    """Registering the same label again replaces it. Erasers run in the order registered."""
    _ERASERS[label] = Eraser(label, fn, tuple(covers))


def registered_erasers() -> dict[str, Eraser]:
    return dict(_ERASERS)


def run_erasers(person, marker: str = ERASED) -> dict[str, int]:
    """Every app's eraser, inside the caller's transaction: rows changed per eraser."""
    return {label: eraser.erase(person, marker) for label, eraser in _ERASERS.items()}


def rewrite(queryset, **values) -> int:
    """UPDATE rows of any model, append-only ones too (history and notes are never changed, except
    that the law requires a person's free text to go when they are erased: this is that one writer)."""
    return models.QuerySet.update(queryset, **values)
