"""Materialized paths: a unit's path is its ancestors' ids and its own, each as 7 base-36 digits.

Fixed-width segments make "the subtree of P" the half-open range [P, P + "~") on an ordinary
B-tree index (on SQLite and PostgreSQL alike), and let the ancestors be read off the path without
a query. Seven digits hold ids up to 78 billion; a 7-level tree uses 49 characters.
"""

from collections.abc import Iterable

SEGMENT = 7
_DIGITS = "0123456789abcdefghijklmnopqrstuvwxyz"
# "~" sorts after every base-36 digit, so every descendant path P... lies in [P, P~).
END = "~"


def encode(unit_id: int) -> str:
    if unit_id < 0:
        raise ValueError("unit ids are positive")
    out = []
    n = unit_id
    for _ in range(SEGMENT):
        n, r = divmod(n, 36)
        out.append(_DIGITS[r])
    if n:
        raise ValueError("unit id too large for a path segment")
    return "".join(reversed(out))


def decode(segment: str) -> int:
    return int(segment, 36)


def child_path(parent_path: str, unit_id: int) -> str:
    return parent_path + encode(unit_id)


def ancestor_ids(path: str) -> list[int]:
    """Ids from the root down to the unit itself."""
    return [decode(path[i:i + SEGMENT]) for i in range(0, len(path), SEGMENT)]


def depth(path: str) -> int:
    return len(path) // SEGMENT - 1


def subtree_range(path: str) -> tuple[str, str]:
    return path, path + END


def minimal_roots(paths: Iterable[str]) -> list[str]:
    """Drop every path that lies inside another one: the union of subtrees stays the same."""
    roots: list[str] = []
    for p in sorted(set(paths)):
        if roots and p.startswith(roots[-1]):
            continue
        roots.append(p)
    return roots


def in_subtrees(path: str, roots: Iterable[str]) -> bool:
    return any(path.startswith(r) for r in roots)

