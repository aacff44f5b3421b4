"""The load: generate and write the organisation, with the indexes rebuilt around it."""

import random
import time
from dataclasses import dataclass
from itertools import count

from django.apps import apps
from django.conf import settings
from django.core.management.color import no_style
from django.db import connection, transaction
from django.utils import timezone

from sampark.core import audit, bulk, paths
from sampark.demo import events as demo_events
from sampark.demo import network as demo_network
from sampark.demo.data import BOOTH_HEAD, LEVEL_POSTS, SCALES, SEED, WORKER_TEAMS, Names, Scale
from sampark.demo.logins import DEMO_LOGINS, DemoLogin, enrol_demo_leaders
from sampark.demo.tree import BIHAR_ECI_CODE, Node, upper_tree, walk
from sampark.demo.writer import Table, Writer
from sampark.org.models import Level, Unit, UnitToken
from sampark.org.services import unit_tokens
from sampark.people.models import Person, PersonToken, Post, Role
from sampark.people.services import person_tokens, search_name
from sampark.people.vacancies import rebuild_vacancies


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
        self.units = Table(Unit, ["id", "parent_id", "level_id", "name_hi", "name_en", "code", "path", "synthetic",
                                   "child_count", "member_count", "search_key"])
        self.utokens = Table(UnitToken, ["id", "unit_id", "token"])
        self.persons = Table(Person, ["id", "name_hi", "name_en", "phone", "lang", "is_active", "created_at",
                                       "search_name"])
        self.posts = Table(Post, ["id", "person_id", "unit_id", "unit_path", "role", "team", "active", "created_at"])
        self.first_person_id = self.next_person_id = _next_id(Person)
        # Every person gets exactly one post, so a post's id is its person's id plus this offset.
        self.post_offset = _next_id(Post) - self.first_person_id
        # Booths, whose people are generated in SQL from these rows (see _write_booth_people):
        # (unit id, path, people, first person id, 1 if its second person is a demo log-in).
        self.booths = Table(None, ["unit_id", "unit_path", "n", "first_pid", "demo"], name="demo_booth")
        self.writer = Writer([self.units, self.utokens, self.persons, self.posts, self.booths])
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
        centre = upper_tree(self.scale, self.unit_ids)
        demos = self._place_demo_logins(centre)
        self._create_booth_tables()
        rng = random.Random(SEED)
        mandal_name = self._numbered("मंडल {}", "Mandal {}")
        kendra_name = self._numbered("शक्ति केंद्र {}", "Shakti Kendra {}")
        booth_name = self._numbered("बूथ {}", "Booth {}")
        for node in walk(centre):
            node.members += self._level_people(node.id, node.path, node.level, rng, demos.get(node.id, {}))
            if node.level == "assembly":
                node.members += self._generate_below(node, mandal_name, kendra_name, booth_name,
                                                     demos.get(("booth", node.code)))
                self.writer.maybe_flush()
        # Counters fold up deepest first, then the upper units go in with them.
        for node in reversed(list(walk(centre))):
            if node.parent is not None:
                node.parent.members += node.members
        for node in walk(centre):
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
            cur.execute("CREATE TEMPORARY TABLE demo_name (slot integer PRIMARY KEY, name_hi varchar(200) NOT NULL, "
                        "name_en varchar(200) NOT NULL, search_name varchar(255) NOT NULL)" + drop)
        bulk.insert_rows("demo_place", ["i", "role", "team"], places)
        bulk.insert_rows("demo_name", ["slot", "name_hi", "name_en", "search_name"],
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
        bulk.insert_rows("demo_name_token", ["name_hi", "name_en", "token"], rows)
        with connection.cursor() as cur:
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

    def _place_demo_logins(self, centre: Node) -> dict:
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

    def _generate_below(self, ac: Node, mandal_name, kendra_name, booth_name, demo_worker) -> int:
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
        if settings.SAMPARK_DEMO:  # a demo database loaded before the second factor existed
            enrol_demo_leaders()
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
            t0 = time.monotonic()
            rebuild_vacancies()  # the rows went in around the services: count the post plan's vacancies afresh
            say(f"vacancies counted in {time.monotonic() - t0:.1f} s")
            if settings.SAMPARK_DEMO:  # published authenticator secrets belong to the demo only
                enrol_demo_leaders()
            t0 = time.monotonic()
            made = demo_events.add_events()
            say("events: {} in {:.1f} s".format(", ".join(f"{k} {v}" for k, v in made.items()),
                                                time.monotonic() - t0))
            t0, made = time.monotonic(), demo_network.add_network()
            say("network: {} in {:.1f} s".format(", ".join(f"{k} {v}" for k, v in made.items()), time.monotonic() - t0))
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
