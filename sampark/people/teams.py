"""Teams as data (people.TeamName): the pickers, the checks of a post's team and the names shown
read them through team_choices() / is_team(), which keep the rows in the process for MAX_AGE
seconds (a page pays no query for them). A change made here is seen at once in this process and
within MAX_AGE in the others; a team code not known yet is read again before it is refused.

Codes never change once made (posts and directives keep them); names may, and a team may be set
inactive: its posts stay, no new post is given in it."""

import time
from dataclasses import dataclass

from django.apps import apps
from django.db import DatabaseError, IntegrityError, transaction
from django.utils.translation import gettext as _

from sampark.core import audit
from sampark.core.names import pick
from sampark.org.setup import SetupError, clean_code, clean_names

MAX_AGE = 60.0


def _model():
    # Read through the app registry: people.models uses team_choices for Post.team, so this
    # module does not import it.
    return apps.get_model("people", "TeamName")
NAME_MAX = 64
CODE_MAX = 16

# The teams the people migration seeds (the codes of people.models.Team).
SEEDED = (("social_media", "सोशल मीडिया", "Social media", True),
          ("it", "आईटी", "IT", True),
          ("organisation", "संगठन", "Organisation", True))


@dataclass(frozen=True)
class _Rows:
    rows: tuple  # (code, name_hi, name_en, active), in the table's order
    read_at: float


_rows: _Rows | None = None


def forget() -> None:
    global _rows
    _rows = None


def assume_seeded() -> None:
    """Start from the seeded teams without reading (a fresh test database holds exactly these)."""
    global _rows
    _rows = _Rows(SEEDED, time.monotonic())


def _current(fresh: bool = False) -> tuple:
    global _rows
    got = _rows
    if fresh or got is None or time.monotonic() - got.read_at > MAX_AGE:
        try:
            rows = tuple(_model().objects.values_list("code", "name_hi", "name_en", "active"))
        except DatabaseError:  # before the table exists (system checks ahead of `migrate`)
            return SEEDED
        got = _rows = _Rows(rows, time.monotonic())
    return got.rows


def team_choices(*, with_inactive: bool = True) -> list[tuple[str, str]]:
    """(code, name in the current language). Inactive teams are included by default, so the names
    of their posts still show; pickers for new posts ask ``with_inactive=False``."""
    return [(code, pick(hi, en)) for code, hi, en, active in _current() if active or with_inactive]


def is_team(code: str) -> bool:
    """An active team's code (read afresh before refusing: it may have just been added elsewhere)."""
    if any(c == code and a for c, _h, _e, a in _current()):
        return True
    return any(c == code and a for c, _h, _e, a in _current(fresh=True))


def team_words() -> dict[str, str]:
    """Codes and names (both languages) to codes, for reading teams written in files."""
    out = {}
    for code, hi, en, _active in _current():
        out.update({code: code, hi: code, en: code})
    return out


def _snapshot(t) -> dict:
    return {"code": t.code, "active": t.active, "position": t.position}


def add_team(actor, *, code: str, name_hi: str, name_en: str):
    code = clean_code(code, CODE_MAX)
    name_hi, name_en = clean_names(name_hi, name_en, NAME_MAX)
    try:
        with transaction.atomic():
            position = (_model().objects.order_by("-position").values_list("position", flat=True).first() or 0) + 1
            team = _model().objects.create(code=code, name_hi=name_hi, name_en=name_en, position=position)
            audit.record(actor, "team.add", team, after=_snapshot(team))
    except IntegrityError:
        raise SetupError(_("There is already a team with the code {code}.").format(code=code)) from None
    finally:
        forget()
    return team


def update_team(actor, team, *, name_hi: str, name_en: str, active: bool):
    name_hi, name_en = clean_names(name_hi, name_en, NAME_MAX)
    try:
        with transaction.atomic():
            team = _model().objects.select_for_update().get(pk=team.pk)
            before = _snapshot(team)
            team.name_hi, team.name_en, team.active = name_hi, name_en, bool(active)
            team.save(update_fields=["name_hi", "name_en", "active"])
            audit.record(actor, "team.update", team, before=before, after=_snapshot(team))
    finally:
        forget()
    return team
