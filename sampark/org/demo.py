"""The demo organisation: real geography from settings.SAMPARK_DATA_DIR, generated units and people below it.

Centre → Bihar → its 38 districts → its 243 assembly constituencies (real names and codes), then
generated mandals, shakti kendras and booths (flagged ``synthetic`` and named "मंडल 3", "बूथ 117"),
with members holding posts at every level. At India scale every state gets its Census-2011
districts and synthetic constituencies; Bihar keeps its real ones.

Bulk loading is the one place that bypasses the services (STYLE rule 4) so that ten million people
load in minutes: ids, paths, child and member counts and search tokens are computed here the way
the services would keep them (with their own ``unit_tokens``, ``person_tokens`` and ``search_name``),
rows stream into the database (COPY on PostgreSQL, executemany in one transaction on SQLite) with
the indexes dropped and rebuilt around the load, and the load leaves one audit row. The database
itself makes the bulk of the rows: the booths' people and posts (nine in ten people) from one row per
booth and a pool of names, and everyone's token rows (three per person) by joining the new people
to a small table of the name vocabulary's tokens.
"""

import csv
import json
import queue
import random
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import count
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.management.color import no_style
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sampark.core import audit, paths
from sampark.org.models import Level, Unit, UnitToken
from sampark.org.services import unit_tokens
from sampark.people.models import Person, PersonToken, Post, Role, Team
from sampark.people.services import person_tokens, search_name

SEED = 20261126
BIHAR_ECI_CODE = "S04"
# Census 2011 put Telangana's districts (codes 532-541) under Andhra Pradesh, and Ladakh's (Leh,
# Kargil: codes 3 and 4) under Jammu & Kashmir; the district layer predates both.
TELANGANA_DISTRICT_CODES = range(532, 542)
LADAKH_DISTRICT_CODES = (3, 4)


@dataclass(frozen=True)
class Shape:
    """How much to generate below one constituency: (low, high) ranges, drawn uniformly."""

    mandals: tuple[int, int]
    kendras: tuple[int, int]  # per mandal
    booths: tuple[int, int]  # per shakti kendra
    people: tuple[int, int]  # per booth


@dataclass(frozen=True)
class Scale:
    bihar: Shape
    others: Shape | None = None  # None: Bihar only
    acs_per_district: tuple[int, int] = (0, 0)  # synthetic constituencies per district outside Bihar
    name_pairs: int | None = None  # draw names from at most this many (given, surname) pairs


SCALES = {
    # All of Bihar's districts and constituencies, a few booths each: loads in a few seconds.
    "small": Scale(bihar=Shape((2, 2), (2, 2), (2, 2), (3, 3)), name_pairs=600),
    # ~90,000 booths and ~900,000 people (ECI counted ~90,700 polling stations in Bihar in 2025).
    "bihar": Scale(bihar=Shape((8, 13), (5, 7), (4, 8), (7, 12))),
    # ~1.05 million booths and ~10 million people.
    "india": Scale(bihar=Shape((8, 13), (5, 7), (4, 8), (7, 12)), others=Shape((6, 10), (4, 6), (4, 8), (7, 12)),
                   acs_per_district=(4, 9)),
}

# Posts generated at each level above the booth: (role, team), one person each.
LEVEL_POSTS = {
    "centre": [(Role.INCHARGE, Team.ORGANISATION), (Role.COORDINATOR, Team.SOCIAL_MEDIA)],
    "state": [(Role.INCHARGE, Team.ORGANISATION), (Role.COORDINATOR, Team.SOCIAL_MEDIA), (Role.COORDINATOR, Team.IT)],
    "district": [(Role.COORDINATOR, Team.SOCIAL_MEDIA), (Role.CO_COORDINATOR, Team.SOCIAL_MEDIA),
                 (Role.HEAD, Team.ORGANISATION)],
    "assembly": [(Role.COORDINATOR, Team.SOCIAL_MEDIA), (Role.HEAD, Team.ORGANISATION)],
    "mandal": [(Role.HEAD, Team.ORGANISATION), (Role.COORDINATOR, Team.SOCIAL_MEDIA)],
    "shakti_kendra": [(Role.COORDINATOR, Team.ORGANISATION)],
}
# A booth: its head, then workers in these teams, in turn.
BOOTH_HEAD = (Role.HEAD, Team.ORGANISATION)
WORKER_TEAMS = [Team.SOCIAL_MEDIA, Team.SOCIAL_MEDIA, Team.ORGANISATION, Team.IT]


@dataclass(frozen=True)
class DemoLogin:
    phone: str
    name_hi: str
    name_en: str
    role: str
    team: str
    where: str  # "centre", "state", "district:<census code>" or "booth:<ac_no>" (its first booth)
    label: object  # what the login is for, translatable


# Created at every scale; `sampark demo_logins` prints them. Names are common ones, not real people.
DEMO_LOGINS = [
    DemoLogin("+919900000000", "सुरेश चतुर्वेदी", "Suresh Chaturvedi", Role.INCHARGE, Team.ORGANISATION,
              "centre", _("Centre in-charge (administrator)")),
    DemoLogin("+919900000001", "अनीता सिन्हा", "Anita Sinha", Role.COORDINATOR, Team.SOCIAL_MEDIA,
              "state", _("Bihar state social-media coordinator")),
    DemoLogin("+919900000002", "अमित श्रीवास्तव", "Amit Srivastava", Role.COORDINATOR, Team.SOCIAL_MEDIA,
              "district:230", _("Patna district coordinator")),
    DemoLogin("+919900000003", "संजय मांझी", "Sanjay Manjhi", Role.COORDINATOR, Team.SOCIAL_MEDIA,
              "district:236", _("Gaya district coordinator")),
    DemoLogin("+919900000004", "प्रीति कुमारी", "Preeti Kumari", Role.WORKER, Team.SOCIAL_MEDIA,
              "booth:182", _("Booth worker in Patna (Bankipur)")),
    DemoLogin("+919900000005", "मनोज पासवान", "Manoj Paswan", Role.WORKER, Team.SOCIAL_MEDIA,
              "booth:230", _("Booth worker in Gaya (Gaya Town)")),
]


# ---------------------------------------------------------------------------------------------
# Source data


def _data_dir() -> Path:
    return Path(settings.SAMPARK_DATA_DIR)


def _read_csv(name: str) -> list[dict]:
    with open(_data_dir() / name, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


class Names:
    """Realistic Hindi names from hindi_names.csv: a given name and a surname, paired by gender
    (Devi and Kumari only for women, Kumar only for men). Each distinct pair's search fields are
    computed once with the people services' own functions."""

    WOMEN_SHARE = 0.3
    # Second names that are far more common than the rest.
    MEN_WEIGHTS = {"Kumar": 8, "Singh": 4, "Yadav": 3, "Prasad": 3, "Paswan": 2, "Ram": 2}
    WOMEN_WEIGHTS = {"Devi": 10, "Kumari": 6, "Singh": 2, "Yadav": 2}

    def __init__(self, limit: int | None = None) -> None:
        rows = _read_csv("hindi_names.csv")
        given_m = [(r["name_hi"], r["name_en"]) for r in rows if r["kind"] == "given" and r["gender"] == "M"]
        given_f = [(r["name_hi"], r["name_en"]) for r in rows if r["kind"] == "given" and r["gender"] == "F"]
        surnames = [(r["name_hi"], r["name_en"]) for r in rows if r["kind"] == "surname"]
        men_s = [s for s in surnames if s[1] not in ("Devi", "Kumari")]
        women_s = [s for s in surnames if s[1] != "Kumar"]
        self.men = self._weighted(given_m, men_s, self.MEN_WEIGHTS)
        self.women = self._weighted(given_f, women_s, self.WOMEN_WEIGHTS)
        if limit:
            # Each distinct name costs a transliteration; a small demo draws from fewer of them.
            rng = random.Random(SEED)
            self.men = rng.sample(self.men, min(limit, len(self.men)))
            self.women = rng.sample(self.women, min(limit // 2, len(self.women)))
        # One slot per pool entry, filled on first use: (name_hi, name_en, search_name, tokens).
        self.men_entries: list = [None] * len(self.men)
        self.women_entries: list = [None] * len(self.women)
        self._by_pair: dict[tuple, tuple] = {}

    @staticmethod
    def _weighted(given, surnames, weights) -> list[tuple]:
        pool_s = [s for s in surnames for _ in range(weights.get(s[1], 1))]
        return [(g, s) for g in given for s in pool_s]

    def entry(self, pair: tuple) -> tuple:
        """(name_hi, name_en, search_name, tokens) of one (given, surname) pair."""
        got = self._by_pair.get(pair)
        if got is None:
            (g_hi, g_en), (s_hi, s_en) = pair
            hi, en = f"{g_hi} {s_hi}", f"{g_en} {s_en}"
            got = (hi, en, search_name(hi, en), tuple(sorted(person_tokens(hi, en))))
            _check_copy_safe(hi, en, got[2], *got[3])
            self._by_pair[pair] = got
        return got

    def used(self) -> list[tuple]:
        """(name_hi, name_en, search_name, tokens) of every pair handed out so far."""
        return list(self._by_pair.values())

    def pick(self, rng: random.Random) -> tuple:
        if rng.random() < self.WOMEN_SHARE:
            pool, entries = self.women, self.women_entries
        else:
            pool, entries = self.men, self.men_entries
        i = int(rng.random() * len(pool))
        got = entries[i]
        if got is None:
            got = entries[i] = self.entry(pool[i])
        return got


def _check_copy_safe(*values: str) -> None:
    # Rows go to COPY as text without escaping: the data must not carry tabs, newlines or backslashes.
    for v in values:
        if any(c in v for c in "\t\n\r\\"):
            raise ValueError(f"unexpected control character in demo data: {v!r}")


# ---------------------------------------------------------------------------------------------
# The tree above the generated part


@dataclass
class _Node:
    id: int
    parent: "_Node | None"
    level: str
    name_hi: str
    name_en: str
    code: str = ""
    synthetic: bool = False
    path: str = ""
    children: list = field(default_factory=list)
    members: int = 0  # active posts in the subtree
    shape: Shape | None = None  # for a constituency: what to generate below it
    seed: int = 0
    generated_children: int = 0


def _upper_tree(scale: Scale, ids: Iterator[int]) -> _Node:
    """Centre, states, districts and constituencies, ids in pre-order."""

    def add(parent, level, name_hi, name_en, code="", synthetic=False) -> _Node:
        _check_copy_safe(name_hi, name_en, code)
        node = _Node(next(ids), parent, level, name_hi, name_en, code, synthetic)
        node.path = paths.child_path(parent.path if parent else "", node.id)
        if parent is not None:
            parent.children.append(node)
        return node

    centre = add(None, "centre", "राष्ट्रीय", "Centre")
    states = _read_csv("india_states.csv")
    if scale.others is None:
        states = [s for s in states if s["eci_state_code_2008"] == BIHAR_ECI_CODE]
    districts_by_map = _india_districts() if scale.others is not None else {}
    used_codes: set[str] = set()
    for i, st in enumerate(states):
        code = st["eci_state_code_2008"] or st["iso_3166_2"]
        state = add(centre, "state", st["name_hi"], st["name_en"], code)
        if code == BIHAR_ECI_CODE:
            _bihar_below(state, scale.bihar, add)
            continue
        rng = random.Random(SEED + 1000 * i)
        ac_no = 0
        for d in _districts_of(st, districts_by_map):
            dcode = f"{d['census2011_district_code']:03d}"
            if dcode in used_codes:
                dcode = ""
            used_codes.add(dcode)
            district = add(state, "district", "", d["district_name"], dcode)
            for _n in range(rng.randint(*scale.acs_per_district)):
                ac_no += 1
                ac = add(district, "assembly", f"विधानसभा {ac_no}", f"Constituency {ac_no}", synthetic=True)
                ac.shape, ac.seed = scale.others, SEED + 7919 * ac.id
    return centre


def _bihar_below(state: _Node, shape: Shape, add) -> None:
    districts = {}
    for d in _read_csv("bihar_districts.csv"):
        districts[d["census2011_district_code"]] = add(state, "district", d["name_hi"], d["name_en"],
                                                        d["census2011_district_code"])
    for ac in _read_csv("bihar_assembly_constituencies.csv"):
        # name_hi is empty in the data: left empty rather than machine-transliterated.
        node = add(districts[ac["district_census2011_code"]], "assembly", ac["name_hi"], ac["name_en"], ac["ac_no"])
        node.shape, node.seed = shape, SEED + int(ac["ac_no"])


def _india_districts() -> dict[str, list[dict]]:
    with open(_data_dir() / "india_districts.topojson", encoding="utf-8") as f:
        topo = json.load(f)
    by_state: dict[str, list[dict]] = {}
    for obj in topo["objects"].values():
        for g in obj["geometries"]:
            p = g["properties"]
            if p["census2011_district_code"]:  # skips J&K's "Data Not Available"
                by_state.setdefault(p["state_name"], []).append(p)
    for lst in by_state.values():
        lst.sort(key=lambda p: p["census2011_district_code"])
    return by_state


def _districts_of(state: dict, by_map: dict[str, list[dict]]) -> list[dict]:
    iso = state["iso_3166_2"]
    if iso == "IN-TS":
        return [d for d in by_map.get("Andhra Pradesh", []) if d["census2011_district_code"] in TELANGANA_DISTRICT_CODES]
    out = [d for name in state["map_name"].split(";") for d in by_map.get(name, [])]
    if iso == "IN-AP":
        out = [d for d in out if d["census2011_district_code"] not in TELANGANA_DISTRICT_CODES]
    elif iso == "IN-JK":
        out = [d for d in out if d["census2011_district_code"] not in LADAKH_DISTRICT_CODES]
    elif iso == "IN-LA":
        out = [d for d in out if d["census2011_district_code"] in LADAKH_DISTRICT_CODES]
    return out


def _walk(node: _Node) -> Iterator[_Node]:
    yield node
    for c in node.children:
        yield from _walk(c)


# ---------------------------------------------------------------------------------------------
# Writing rows


class _Table:
    """One table's pending rows; ``columns`` are what the loader fills, other fields get their default."""

    def __init__(self, model, columns: list[str], name: str = "") -> None:
        """A model's table, or (model None) a temporary table of the loader's own, named `name`."""
        self.model = model
        self.name = model._meta.db_table if model else name
        self.columns = list(columns)
        self.rows: list[tuple] = []
        self.count = 0
        self.seconds = 0.0  # spent writing
        extra = [f for f in model._meta.concrete_fields if f.column not in columns] if model else []
        self.extra_columns = [f.column for f in extra]
        self.extra_values = tuple(f.get_db_prep_save(f.get_default(), connection) for f in extra)
        for f in extra:
            if not f.has_default() and not f.null:
                raise RuntimeError(f"demo loader does not fill {self.name}.{f.column}")


class _Writer:
    """Buffers rows per table and sends them in big batches: COPY on PostgreSQL, executemany on SQLite.

    Batches go out from a second thread, so that the database (another process for PostgreSQL; for
    SQLite, the library, which releases the GIL while it steps) digests one batch while Python
    generates the next one: on two cores the load takes the longer of the two, not their sum."""

    BATCH = 100_000
    QUEUED = 3  # batches waiting at most: bounds the memory held

    def __init__(self, tables: list[_Table]) -> None:
        self.tables = tables
        self.pg = connection.vendor == "postgresql"
        self.raw = connection.connection  # the DB-API connection, inside Django's transaction
        self.queue: queue.Queue = queue.Queue(maxsize=self.QUEUED)
        self.error: BaseException | None = None
        self.thread: threading.Thread | None = None

    def maybe_flush(self) -> None:
        for t in self.tables:
            if len(t.rows) >= self.BATCH:
                self.flush(t)

    def flush_all(self) -> None:
        """Send what is left and wait until the database has it all."""
        for t in self.tables:
            self.flush(t)
        if self.thread is not None:
            self._put(None)
            self.thread.join()
            self.thread = None
        if self.error is not None:
            raise self.error

    def flush(self, t: _Table) -> None:
        if not t.rows:
            return
        rows, t.rows = t.rows, []
        t.count += len(rows)
        if self.thread is None:
            self.thread = threading.Thread(target=self._run, name="demo-writer", daemon=True)
            self.thread.start()
        self._put((t, rows))

    def _put(self, item) -> None:
        while True:
            if self.error is not None:
                self.thread.join()
                self.thread = None
                raise self.error
            try:
                self.queue.put(item, timeout=0.5)
                return
            except queue.Full:
                continue

    def _run(self) -> None:
        while True:
            item = self.queue.get()
            if item is None:
                return
            t, rows = item
            started = time.monotonic()
            try:
                self._send(t, rows)
            except BaseException as exc:  # noqa: BLE001 - handed to the generating thread
                self.error = exc
                return
            finally:
                t.seconds += time.monotonic() - started

    def _send(self, t: _Table, rows: list[tuple]) -> None:
        cols = t.columns + t.extra_columns
        if self.pg:
            extra = "".join("\t" + _pg_text(v) for v in t.extra_values)
            lines = "\t".join(["%s"] * len(t.columns)) + extra + "\n"
            with self.raw.cursor() as cur, cur.copy(f"COPY {t.name} ({', '.join(cols)}) FROM STDIN") as cp:
                if t.model is Unit:  # the only table with NULLs (the Centre's parent)
                    cp.write("".join(lines % tuple(r"\N" if v is None else v for v in r) for r in rows))
                else:
                    cp.write("".join(lines % r for r in rows))
        else:
            if t.extra_values:
                rows = [r + t.extra_values for r in rows]
            sql = f"INSERT INTO {t.name} ({', '.join(cols)}) VALUES ({', '.join(['?'] * len(cols))})"
            cur = self.raw.cursor()
            try:
                cur.executemany(sql, rows)
            finally:
                cur.close()


def _pg_text(v) -> str:
    if v is None:
        return r"\N"
    if isinstance(v, bool):
        return "t" if v else "f"
    return str(v)


# ---------------------------------------------------------------------------------------------
# The loader


@dataclass
class LoadResult:
    scale: str
    units: int
    people: int
    posts: int
    seconds: float
    skipped: bool = False


class DemoError(Exception):
    pass


class _Loader:
    def __init__(self, scale: Scale, now) -> None:
        self.scale = scale
        self.now = connection.ops.adapt_datetimefield_value(now)
        self.levels = {lv.code: lv.pk for lv in Level.objects.all()}
        missing = set(LEVEL_POSTS) - set(self.levels) | ({"booth"} - set(self.levels))
        if missing:
            raise DemoError(f"levels missing: {', '.join(sorted(missing))}")
        self.names = Names(scale.name_pairs)
        self.unit_ids = count(_next_id(Unit))
        self.utoken_ids = count(_next_id(UnitToken))
        self.units = _Table(Unit, ["id", "parent_id", "level_id", "name_hi", "name_en", "code", "path", "synthetic",
                                   "child_count", "member_count", "search_key"])
        self.utokens = _Table(UnitToken, ["id", "unit_id", "token"])
        self.persons = _Table(Person, ["id", "name_hi", "name_en", "phone", "lang", "is_active", "created_at",
                                       "search_name"])
        self.posts = _Table(Post, ["id", "person_id", "unit_id", "unit_path", "role", "team", "active", "created_at"])
        self.first_person_id = self.next_person_id = _next_id(Person)
        # Every person gets exactly one post, so a post's id is its person's id plus this offset.
        self.post_offset = _next_id(Post) - self.first_person_id
        # Booths, whose people are generated in SQL from these rows (see _write_booth_people):
        # (unit id, path, people, first person id, 1 if its second person is a demo log-in).
        self.booths = _Table(None, ["unit_id", "unit_path", "n", "first_pid", "demo"], name="demo_booth")
        self.writer = _Writer([self.units, self.utokens, self.persons, self.posts, self.booths])
        self._unit_search: dict[tuple, tuple] = {}
        self.demo_persons: list[int] = []
        # (name_hi, name_en) → search tokens of the names given to demo log-ins; the generated
        # people's come from self.names. Their token rows are built in the database after the people.
        self.demo_tokens: dict[tuple[str, str], tuple[str, ...]] = {}
        self.person_tokens = 0

    # -- units
    def _unit_fields(self, name_hi: str, name_en: str, code: str) -> tuple[str, tuple]:
        key = (name_hi, name_en, code)
        got = self._unit_search.get(key)
        if got is None:
            got = (" ".join(sorted(unit_tokens(name_hi, name_en)))[:255], tuple(sorted(unit_tokens(name_hi, name_en, code))))
            self._unit_search[key] = got
        return got

    def _numbered(self, hi: str, en: str):
        """Search fields of generated names like "बूथ 117": computed once if the number does not
        change them (the search keys keep letters only), else per unit."""
        a = self._unit_fields(hi.format(1), en.format(1), "")
        b = self._unit_fields(hi.format(117), en.format(117), "")
        if a == b:
            return lambda n: a
        return lambda n: self._unit_fields(hi.format(n), en.format(n), "")

    def _emit_unit(self, uid, parent_id, level, name_hi, name_en, code, path, synthetic, children, members, search):
        key, tokens = search
        self.units.rows.append((uid, parent_id, self.levels[level], name_hi, name_en, code, path, synthetic,
                                children, members, key))
        rows = self.utokens.rows
        for t in tokens:
            rows.append((next(self.utoken_ids), uid, t))

    # -- people
    def _emit_person(self, unit_id: int, unit_path: str, role: str, team: str, rng, demo: DemoLogin | None = None,
                     pid: int | None = None):
        if pid is None:
            pid = self.next_person_id
            self.next_person_id += 1
        if demo is None:
            hi, en, sname, _tokens = self.names.pick(rng)
            phone = f"+917{pid:09d}"
            lang = "en" if pid % 10 == 0 else "hi"
        else:
            hi, en = demo.name_hi, demo.name_en
            sname = search_name(hi, en)
            self.demo_tokens[(hi, en)] = tuple(sorted(person_tokens(hi, en)))
            phone, lang = demo.phone, "hi"
            self.demo_persons.append(pid)
        now = self.now
        self.persons.rows.append((pid, hi, en, phone, lang, True, now, sname))
        self.posts.rows.append((pid + self.post_offset, pid, unit_id, unit_path, role, team, True, now))

    def _level_people(self, unit_id, path, level, rng, demos: dict) -> int:
        posts = LEVEL_POSTS[level]
        for role, team in posts:
            self._emit_person(unit_id, path, role, team, rng, demos.get((role, team)))
        return len(posts)

    # -- the whole load
    def run(self) -> tuple[int, int, int]:
        centre = _upper_tree(self.scale, self.unit_ids)
        demos = self._place_demo_logins(centre)
        self._create_booth_tables()
        rng = random.Random(SEED)
        mandal_name = self._numbered("मंडल {}", "Mandal {}")
        kendra_name = self._numbered("शक्ति केंद्र {}", "Shakti Kendra {}")
        booth_name = self._numbered("बूथ {}", "Booth {}")
        for node in _walk(centre):
            node.members += self._level_people(node.id, node.path, node.level, rng, demos.get(node.id, {}))
            if node.level == "assembly":
                node.members += self._generate_below(node, mandal_name, kendra_name, booth_name,
                                                     demos.get(("booth", node.code)))
                self.writer.maybe_flush()
        # Counters fold up deepest first, then the upper units go in with them.
        for node in reversed(list(_walk(centre))):
            if node.parent is not None:
                node.parent.members += node.members
        for node in _walk(centre):
            children = node.generated_children if node.level == "assembly" else len(node.children)
            self._emit_unit(node.id, node.parent.id if node.parent else None, node.level, node.name_hi, node.name_en,
                            node.code, node.path, node.synthetic, children, node.members,
                            self._unit_fields(node.name_hi, node.name_en, node.code))
        self.writer.flush_all()
        started = time.monotonic()
        self._write_booth_people()
        self.booth_people_seconds = time.monotonic() - started
        started = time.monotonic()
        self.person_tokens = self._write_person_tokens()
        self.person_tokens_seconds = time.monotonic() - started
        return self.units.count, self.persons.count, self.posts.count

    NAME_SLOTS = 4096  # distinct names the booth people are drawn from
    MAX_BOOTH_PEOPLE = 64

    def _create_booth_tables(self) -> None:
        """Temporary tables for the booth people made in SQL: the booths (filled by the writer), the
        people's places in a booth (0: the head; then workers in the teams' turn) and a pool of names
        (drawn like everyone else's; a person's slot is a fixed shuffle of their id)."""
        shapes = [sh for sh in (self.scale.bihar, self.scale.others) if sh]
        if max(sh.people[1] for sh in shapes) > self.MAX_BOOTH_PEOPLE:
            raise DemoError(f"at most {self.MAX_BOOTH_PEOPLE} people in a booth")
        pg = connection.vendor == "postgresql"
        drop = " ON COMMIT DROP" if pg else ""
        rng = random.Random(SEED + 1)
        names = [self.names.pick(rng) for _ in range(self.NAME_SLOTS)]
        places = [(0, *BOOTH_HEAD)] + [(i, Role.WORKER, WORKER_TEAMS[(i - 1) % len(WORKER_TEAMS)])
                                       for i in range(1, self.MAX_BOOTH_PEOPLE)]
        with connection.cursor() as cur:
            cur.execute("CREATE TEMPORARY TABLE demo_booth (unit_id bigint NOT NULL, unit_path varchar(255) NOT NULL, "
                        "n integer NOT NULL, first_pid bigint NOT NULL, demo integer NOT NULL)" + drop)
            cur.execute("CREATE TEMPORARY TABLE demo_place (i integer PRIMARY KEY, role varchar(16) NOT NULL, "
                        "team varchar(16) NOT NULL)" + drop)
            cur.executemany("INSERT INTO demo_place (i, role, team) VALUES (%s, %s, %s)", places)
            cur.execute("CREATE TEMPORARY TABLE demo_name (slot integer PRIMARY KEY, name_hi varchar(200) NOT NULL, "
                        "name_en varchar(200) NOT NULL, search_name varchar(255) NOT NULL)" + drop)
            cur.executemany("INSERT INTO demo_name (slot, name_hi, name_en, search_name) VALUES (%s, %s, %s, %s)",
                            [(i, hi, en, sname) for i, (hi, en, sname, _t) in enumerate(names)])

    def _write_booth_people(self) -> None:
        """The booths' people and their posts, from demo_booth × demo_place in two INSERT ... SELECT
        statements: ten million rows that never pass through Python. Ids ascend with the booths."""
        pg = connection.vendor == "postgresql"
        pid = "(b.first_pid + s.i)"
        phone = f"'+917' || lpad({pid}::text, 9, '0')" if pg else f"printf('+917%%09d', {pid})"
        names = f" JOIN demo_name nm ON nm.slot = ({pid} * 7919) %% {self.NAME_SLOTS}"

        def source(with_names: bool) -> str:
            joined = names if with_names else ""
            if pg:
                return f"FROM demo_booth b JOIN demo_place s ON s.i < b.n{joined} WHERE NOT (s.i = 1 AND b.demo = 1)"
            # SQLite: CROSS JOIN keeps the booths outermost, so the ids come in ascending order.
            return (f"FROM demo_booth b CROSS JOIN demo_place s{joined} "
                    f"WHERE s.i < b.n AND NOT (s.i = 1 AND b.demo = 1)")

        p, t = self.persons, self.posts
        extra_p = "".join(", %s" for _v in p.extra_values)
        extra_t = "".join(", %s" for _v in t.extra_values)
        with connection.cursor() as cur:
            if pg:
                cur.execute("ANALYZE demo_booth")
            cur.execute(
                f"INSERT INTO {p.name} ({', '.join(p.columns + p.extra_columns)}) "
                f"SELECT {pid}, nm.name_hi, nm.name_en, {phone}, CASE WHEN {pid} %% 10 = 0 THEN 'en' ELSE 'hi' END, "
                f"%s, %s, nm.search_name{extra_p} {source(True)}",
                [True, self.now, *p.extra_values])
            p.count += cur.rowcount
            cur.execute(
                f"INSERT INTO {t.name} ({', '.join(t.columns + t.extra_columns)}) "
                f"SELECT {pid} + %s, {pid}, b.unit_id, b.unit_path, s.role, s.team, %s, %s{extra_t} {source(False)}",
                [self.post_offset, True, self.now, *t.extra_values])
            t.count += cur.rowcount
            cur.execute("DROP TABLE demo_booth")
            cur.execute("DROP TABLE demo_place")
            cur.execute("DROP TABLE demo_name")

    def _write_person_tokens(self) -> int:
        """Token rows of the loaded people, built in the database: the demo's names come from a small
        vocabulary, so a table of (name_hi, name_en) → token joined to the new people gives the same
        rows as ``person_tokens`` per person, without tens of millions of rows passing through Python."""
        vocab = dict(self.demo_tokens)
        vocab.update({(hi, en): tokens for hi, en, _s, tokens in self.names.used()})
        rows = [(hi, en, t) for (hi, en), tokens in vocab.items() for t in tokens]
        pg = connection.vendor == "postgresql"
        with connection.cursor() as cur:
            cur.execute("CREATE TEMPORARY TABLE demo_name_token (name_hi varchar(200) NOT NULL, "
                        "name_en varchar(200) NOT NULL, token varchar(32) NOT NULL)"
                        + (" ON COMMIT DROP" if pg else ""))  # dropped below; at commit if a statement fails
            cur.executemany("INSERT INTO demo_name_token (name_hi, name_en, token) VALUES (%s, %s, %s)", rows)
            if pg:
                cur.execute("ANALYZE demo_name_token")
                join = "people_person p JOIN demo_name_token t"
            else:
                cur.execute("CREATE INDEX temp.demo_name_token_names ON demo_name_token (name_hi, name_en)")
                join = "people_person p CROSS JOIN demo_name_token t"  # SQLite: people outer, in id order
            cur.execute(f"INSERT INTO {PersonToken._meta.db_table} (person_id, token) SELECT p.id, t.token "
                        f"FROM {join} ON t.name_hi = p.name_hi AND t.name_en = p.name_en WHERE p.id >= %s",
                        [self.first_person_id])
            written = cur.rowcount
            cur.execute("DROP TABLE demo_name_token")
        return written

    def _place_demo_logins(self, centre: _Node) -> dict:
        """Which generated slot each demo log-in takes: {unit id: {(role, team): login}}, and
        {("booth", ac code): login} for a worker in the constituency's first booth."""
        state = next((s for s in centre.children if s.code == BIHAR_ECI_CODE), None)
        districts = {d.code: d for d in state.children} if state else {}
        out: dict = {}
        for login in DEMO_LOGINS:
            kind, _sep, arg = login.where.partition(":")
            if kind == "centre":
                out.setdefault(centre.id, {})[(login.role, login.team)] = login
            elif kind == "state" and state:
                out.setdefault(state.id, {})[(login.role, login.team)] = login
            elif kind == "district" and arg in districts:
                out.setdefault(districts[arg].id, {})[(login.role, login.team)] = login
            elif kind == "booth":
                out[("booth", arg)] = login
        return out

    def _generate_below(self, ac: _Node, mandal_name, kendra_name, booth_name, demo_worker) -> int:
        """Emit the generated mandals, shakti kendras, booths and their people below one
        constituency; returns the number of posts in them. Numbers run within the constituency."""
        shape = ac.shape
        rng = random.Random(ac.seed)
        unit_ids = self.unit_ids
        person = self._emit_person
        unit = self._emit_unit
        booths = self.booths.rows
        total = 0
        kendra_no = booth_no = 0
        n_mandals = rng.randint(*shape.mandals)
        ac.generated_children = n_mandals
        for m_no in range(1, n_mandals + 1):
            mid = next(unit_ids)
            mpath = ac.path + paths.encode(mid)
            m_members = self._level_people(mid, mpath, "mandal", rng, {})
            n_kendras = rng.randint(*shape.kendras)
            for _k in range(n_kendras):
                kendra_no += 1
                kid = next(unit_ids)
                kpath = mpath + paths.encode(kid)
                k_members = self._level_people(kid, kpath, "shakti_kendra", rng, {})
                n_booths = rng.randint(*shape.booths)
                for _b in range(n_booths):
                    booth_no += 1
                    bid = next(unit_ids)
                    bpath = kpath + paths.encode(bid)
                    n_people = rng.randint(*shape.people)
                    # The booth's people are made in SQL from this row, except a demo log-in.
                    first = self.next_person_id
                    self.next_person_id += n_people
                    demo = demo_worker if booth_no == 1 and n_people > 1 else None
                    booths.append((bid, bpath, n_people, first, 1 if demo else 0))
                    if demo:
                        person(bid, bpath, Role.WORKER, WORKER_TEAMS[0], rng, demo, pid=first + 1)
                    unit(bid, kid, "booth", f"बूथ {booth_no}", f"Booth {booth_no}", "", bpath, True, 0, n_people,
                         booth_name(booth_no))
                    k_members += n_people
                unit(kid, mid, "shakti_kendra", f"शक्ति केंद्र {kendra_no}", f"Shakti Kendra {kendra_no}", "", kpath,
                     True, n_booths, k_members, kendra_name(kendra_no))
                m_members += k_members
            unit(mid, ac.id, "mandal", f"मंडल {m_no}", f"Mandal {m_no}", "", mpath, True, n_kendras, m_members,
                 mandal_name(m_no))
            total += m_members
        return total


def _next_id(model) -> int:
    from django.db.models import Max

    return (model.objects.aggregate(m=Max("pk"))["m"] or 0) + 1


# ---------------------------------------------------------------------------------------------
# Around the load: reset, indexes, constraints, sequences


ORG_MODELS = (PersonToken, Post, Person, UnitToken, Unit)


def _dependent_models() -> list:
    """Our five models and every model that refers to them, directly or through another such
    model (directives, reports, ...): what a reset must clear."""
    found = list(ORG_MODELS)
    changed = True
    while changed:
        changed = False
        for model in apps.get_models():
            if model in found or model._meta.proxy or not model._meta.managed:
                continue
            if any(f.is_relation and f.many_to_one and f.related_model in found for f in model._meta.concrete_fields):
                found.append(model)
                changed = True
    return found


def _reset() -> None:
    models = _dependent_models()
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute("TRUNCATE " + ", ".join(m._meta.db_table for m in models) + " CASCADE")
        else:
            for m in reversed(models):
                cur.execute(f"DELETE FROM {m._meta.db_table}")


def _droppable_indexes() -> list[tuple[str, str]]:
    """(DROP statement, CREATE statement) of the indexes to build after the load instead of during it:
    building one from the finished table is a single sort, far cheaper than a B-tree insert per row.

    SQLite: every index that is not part of a table definition (unique constraints included).
    PostgreSQL: every index and every primary-key or unique constraint of our tables, except the
    keys that other tables' foreign keys depend on (people's and units' ids, inserted in ascending
    order)."""
    tables = [m._meta.db_table for m in ORG_MODELS]
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute(
                "SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.schemaname = current_schema() "
                "AND i.tablename = ANY(%s) AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)",
                [tables],
            )
            plain = [(f'DROP INDEX "{name}"', sql) for name, sql in cur.fetchall()]
            cur.execute(
                "SELECT t.relname, c.conname, pg_get_constraintdef(c.oid) FROM pg_constraint c "
                "JOIN pg_class t ON t.oid = c.conrelid JOIN pg_namespace n ON n.oid = t.relnamespace "
                "WHERE n.nspname = current_schema() AND t.relname = ANY(%s) AND c.contype IN ('p', 'u') "
                "AND NOT EXISTS (SELECT 1 FROM pg_constraint f WHERE f.contype = 'f' AND f.conindid = c.conindid) "
                "ORDER BY c.contype, c.conname",
                [tables],
            )
            keys = [(f'ALTER TABLE "{table}" DROP CONSTRAINT "{name}"',
                     f'ALTER TABLE "{table}" ADD CONSTRAINT "{name}" {definition}')
                    for table, name, definition in cur.fetchall()]
            return plain + keys
        marks = ", ".join(["%s"] * len(tables))
        cur.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
                    "AND tbl_name IN (" + marks + ")", tables)
        return [(f'DROP INDEX "{name}"', sql) for name, sql in cur.fetchall()]


def _reset_sequences() -> None:
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cur:
        for sql in connection.ops.sequence_reset_sql(no_style(), list(ORG_MODELS)):
            cur.execute(sql)


def _analyze() -> None:
    """Planner statistics for the new rows. SQLite: exact for the tree (a sampled level_id count
    made it join units through org_level instead of using the path range), sampled for people."""
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            for m in ORG_MODELS:
                cur.execute(f"ANALYZE {m._meta.db_table}")
            return
        for limit, models in ((0, (Level, Unit, UnitToken)), (1000, (Person, Post, PersonToken))):
            cur.execute(f"PRAGMA analysis_limit = {limit}")
            for m in models:
                cur.execute(f"ANALYZE {m._meta.db_table}")


def load(scale: str = "small", *, if_empty: bool = False, reset: bool = False, log=None) -> LoadResult:
    """Load the demo organisation. ``if_empty``: do nothing if any unit exists. ``reset``: delete
    the organisation's units, people, posts and tokens (and rows referring to them) first."""
    if scale not in SCALES:
        raise DemoError(f"unknown scale {scale!r}: choose one of {', '.join(SCALES)}")
    say = log or (lambda msg: None)
    if if_empty and Unit.objects.exists():
        return LoadResult(scale, 0, 0, 0, 0.0, skipped=True)
    if not reset and Unit.objects.exists():
        raise DemoError("the database already has units: use --reset to replace them, or --if-empty to skip")
    started = time.monotonic()
    pg = connection.vendor == "postgresql"
    checks_were_on = False
    journal_was = None
    if not pg:
        # Outside a transaction only: SQLite ignores foreign_keys inside one.
        checks_were_on = connection.disable_constraint_checking()
        with connection.cursor() as cur:
            cur.execute("PRAGMA cache_size = -400000")  # KiB: keep the B-trees being appended to in memory
            cur.execute("PRAGMA threads = 2")  # sort for the index builds on a second core
            if not connection.in_atomic_block:
                cur.execute("PRAGMA temp_store = MEMORY")
                # For the load only: no write-ahead log (every page would be written twice, into the
                # log and then back into the file) and no fsync; the rollback journal stays in
                # memory, so a failed load still rolls back. Put back afterwards.
                cur.execute("PRAGMA journal_mode")
                journal_was = cur.fetchone()[0]
                cur.execute("PRAGMA journal_mode = MEMORY")
                cur.execute("PRAGMA synchronous = OFF")
    try:
        with transaction.atomic():
            with connection.cursor() as cur:
                if pg:
                    cur.execute("SET LOCAL maintenance_work_mem = '2GB'")
                    cur.execute("SET LOCAL synchronous_commit = off")
                    # The rows are consistent by construction; skipping the foreign-key triggers
                    # avoids queueing tens of millions of deferred checks. Needs a superuser.
                    try:
                        with transaction.atomic():
                            cur.execute("SET LOCAL session_replication_role = replica")
                    except Exception:  # noqa: BLE001 - not allowed: keep the checks, slower
                        say("(not a superuser: foreign keys are checked row by row)")
            if reset:
                say("deleting the old organisation")
                _reset()
            slow = _droppable_indexes()
            with connection.cursor() as cur:
                for drop, _create in slow:
                    cur.execute(drop)
            say(f"generating and writing rows ({scale})")
            loader = _Loader(SCALES[scale], timezone.now())
            units, people, posts = loader.run()
            say("written in {:.1f} s, of which writing: {}".format(
                time.monotonic() - started, ", ".join([f"{t.name} {t.seconds:.1f} s" for t in loader.writer.tables]
                          + [f"booth people and posts (in SQL) {loader.booth_people_seconds:.1f} s",
                             f"people_persontoken (in SQL) {loader.person_tokens_seconds:.1f} s"])))
            say(f"rebuilding {len(slow)} indexes")
            with connection.cursor() as cur:
                for _drop, create in reversed(slow):
                    t0 = time.monotonic()
                    cur.execute(create)
                    say(f"  {time.monotonic() - t0:5.1f} s  {create[:110]}")
            say(f"indexes rebuilt at {time.monotonic() - started:.1f} s")
            _reset_sequences()
            seconds = round(time.monotonic() - started, 1)
            audit.record(None, "demo.load", object_type="org.unit", after={
                "scale": scale, "units": units, "people": people, "posts": posts, "reset": reset, "seconds": seconds})
    finally:
        if checks_were_on:
            connection.enable_constraint_checking()
        if journal_was:
            with connection.cursor() as cur:
                cur.execute(f"PRAGMA journal_mode = {journal_was}")
                cur.execute("PRAGMA synchronous = NORMAL")
    _analyze()
    return LoadResult(scale, units, people, posts, round(time.monotonic() - started, 1))


def demo_login_rows() -> list[tuple[DemoLogin, Person | None, list[Post]]]:
    """Each demo log-in with its person and active posts (units and levels loaded), if present."""
    people = {p.phone: p for p in Person.objects.filter(phone__in=[d.phone for d in DEMO_LOGINS])}
    posts: dict[int, list[Post]] = {}
    for post in Post.objects.filter(person__in=people.values(), active=True).select_related("unit__level"):
        posts.setdefault(post.person_id, []).append(post)
    return [(d, people.get(d.phone), posts.get(people[d.phone].pk, []) if d.phone in people else [])
            for d in DEMO_LOGINS]
