"""Bulk import of people and their posts: the "people" kind of sampark.org.imports (its docstring
tells how a file is read, planned and applied, all rows or none).

Shape: ``phone,name_hi,name_en,lang,unit_level,unit_code,role,team``. A person matches by phone, a
post by (person, unit, role, team). A person's names and language are changed only when all their
posts lie inside the importer's reach; otherwise the row may still give them a post inside it.

A phone whose person holds no post inside the importer's reach is planned exactly like a phone
nobody has (a new person, who needs a name), so that a check tells nothing about who is a member
elsewhere. Applied, such a row asks for a transfer (``request_transfer``) that a leader above both
places decides; a person who is a member nowhere any more is taken in like a new one.
"""

from dataclasses import dataclass

from django.utils import translation
from django.utils.translation import gettext as _

from sampark.core import paths
from sampark.org.imports import CHUNK, ImportAborted, ImportResult, Planner, register_importer, word_key
from sampark.org.models import Unit
from sampark.org.services import NAME_MAX, TreeError
from sampark.people.models import Person, Post, Role, Team
from sampark.people.services import (
    PeopleError,
    active_paths,
    add_post,
    create_person,
    normalize_phone,
    request_transfer,
    update_person,
)
from sampark.people.teams import team_words

# Words people write for roles, teams and languages besides the codes and the translated labels.
ROLE_WORDS = {"प्रभारी": Role.INCHARGE, "अध्यक्ष": Role.HEAD, "प्रमुख": Role.HEAD, "संयोजक": Role.COORDINATOR,
              "सहसंयोजक": Role.CO_COORDINATOR, "कार्यकर्ता": Role.WORKER, "president": Role.HEAD}
TEAM_WORDS = {"सोशलमीडिया": Team.SOCIAL_MEDIA, "आईटी": Team.IT, "आई.टी.": Team.IT, "संगठन": Team.ORGANISATION,
              "organization": Team.ORGANISATION, "socialmedia": Team.SOCIAL_MEDIA}
LANG_WORDS = {"hi": "hi", "en": "en", "hindi": "hi", "english": "en", "हिन्दी": "hi", "हिंदी": "hi",
              "अंग्रेज़ी": "en", "अंग्रेजी": "en"}



def _choices(cls, extra: dict) -> dict[str, str]:
    words = {word_key(k): v for k, v in extra.items()}
    for value in cls.values:
        words[word_key(value)] = value
        for lang in ("en", "hi"):
            with translation.override(lang):
                words[word_key(str(cls(value).label))] = value
    return words


@dataclass
class PersonPlan:
    line: int
    phone: str
    name_hi: str
    name_en: str
    lang: str
    person: Person | None = None
    may_edit: bool = True
    action: str = "unchanged"
    # The person of this phone when they hold no post inside the reach: planned as a new person.
    elsewhere: Person | None = None
    transfer: bool = False  # applied as transfer requests


@dataclass
class PostPlan:
    line: int
    who: PersonPlan
    unit: Unit
    role: str
    team: str
    action: str = "unchanged"


class PeopleImport(Planner):
    def __init__(self, actor):
        super().__init__(actor)
        self.roles = _choices(Role, ROLE_WORDS)
        self.teams = _choices(Team, TEAM_WORDS) | {word_key(w): c for w, c in team_words().items()}
        self.langs = {word_key(k): v for k, v in LANG_WORDS.items()}
        self.persons: dict[str, PersonPlan] = {}
        self.post_lines: dict[tuple, int] = {}
        self.transfers = 0

    def _choice(self, line, column, value, words, cls) -> str | None:
        found = words.get(word_key(value))
        if found is None:
            self.error(line, column, _("Unknown value. Use one of: {values}").format(values=", ".join(cls.values)))
        return found

    def plan(self, rows) -> tuple[list[PersonPlan], list[PostPlan]]:
        self.preload({r["unit_code"] for _l, r in rows})
        phones = {}
        for line, row in rows:
            try:
                phones[line] = normalize_phone(row["phone"])
            except PeopleError as exc:
                self.error(line, "phone", str(exc))
        existing, posts = self._load_people(set(phones.values()))
        post_plans = []
        for line, row in rows:
            before = len(self.errors)
            post = self._plan_row(line, row, phones.get(line), existing, posts)
            if post is not None and len(self.errors) == before:
                post_plans.append(post)
        person_plans = sorted(self.persons.values(), key=lambda p: p.line)
        for who in person_plans:
            self._plan_person(who)
        return person_plans, post_plans

    def _load_people(self, phones: set[str]):
        existing: dict[str, Person] = {}
        ordered = sorted(phones)
        for i in range(0, len(ordered), CHUNK):
            existing.update({p.phone: p for p in Person.objects.filter(phone__in=ordered[i:i + CHUNK])})
        posts: dict[int, list[tuple]] = {}
        ids = sorted(p.pk for p in existing.values())
        for i in range(0, len(ids), CHUNK):
            for row in Post.objects.filter(person_id__in=ids[i:i + CHUNK]).values_list(
                    "person_id", "unit_id", "unit_path", "role", "team", "active"):
                posts.setdefault(row[0], []).append(row[1:])
        return existing, posts

    def _plan_row(self, line, row, phone, existing, posts) -> PostPlan | None:
        name_hi, name_en = row["name_hi"], row["name_en"]
        for col, value in (("name_hi", name_hi), ("name_en", name_en)):
            if len(value) > NAME_MAX:
                self.error(line, col, _("At most {n} characters.").format(n=NAME_MAX))
        lang = ""
        if row["lang"]:
            lang = self.langs.get(word_key(row["lang"]), "")
            if not lang:
                self.error(line, "lang", _("Language must be hi or en."))
        unit = None
        level = self.level(line, "unit_level", row["unit_level"])
        if not row["unit_code"]:
            self.error(line, "unit_code", _("Give the unit's code or name."))
        if level is not None and row["unit_code"]:
            unit = self.find(line, "unit_code", level, row["unit_code"])
        role = self._choice(line, "role", row["role"], self.roles, Role) if row["role"] else None
        if not row["role"]:
            self.error(line, "role", _("Give the role."))
        team = self._choice(line, "team", row["team"], self.teams, Team) if row["team"] else Team.ORGANISATION
        if phone is None or unit is None or role is None or team is None:
            return None

        who = self.persons.get(phone)
        if who is None:
            person = existing.get(phone)
            held = [path for _u, path, _r, _t, active in posts.get(person.pk, []) if active] if person else []
            if person is not None and not any(paths.in_subtrees(path, self.roots) for path in held):
                who = PersonPlan(line, phone, name_hi, name_en, lang, elsewhere=person)
            else:
                who = PersonPlan(line, phone, name_hi, name_en, lang, person=person)
                who.may_edit = all(paths.in_subtrees(path, self.roots) for path in held)
            self.persons[phone] = who
        else:
            for col, value in (("name_hi", name_hi), ("name_en", name_en), ("lang", lang)):
                if value and getattr(who, col) and getattr(who, col) != value:
                    self.error(line, col, _("Row {n} gives this phone number another value here.").format(n=who.line))
                elif value:
                    setattr(who, col, value)

        key = (phone, unit.pk, role, team)
        if key in self.post_lines:
            self.error(line, "role", _("Row {n} already gives this post.").format(n=self.post_lines[key]))
            return None
        self.post_lines[key] = line
        post = PostPlan(line, who, unit, role, team, action="create")
        if who.person is not None:
            for unit_id, _path, r, t, active in posts.get(who.person.pk, []):
                if (unit_id, r, t) == (unit.pk, role, team):
                    post.action = "unchanged" if active else "update"
        return post

    def _plan_person(self, who: PersonPlan) -> None:
        person = who.person
        if person is None:
            if not (who.name_hi or who.name_en):
                self.error(who.line, "name_hi", _("A new person needs a name in Hindi or English."))
            who.action = "create"
            return
        changes = (who.name_hi and who.name_hi != person.name_hi) or (who.name_en and who.name_en != person.name_en) \
            or (who.lang and who.lang != person.lang)
        if changes and who.may_edit:
            who.action = "update"

    def apply(self, plans) -> None:
        person_plans, post_plans = plans
        line = 0
        try:
            for who in person_plans:
                line = who.line
                if who.action == "create" and who.elsewhere is None:
                    who.person = create_person(self.actor, phone=who.phone, name_hi=who.name_hi, name_en=who.name_en,
                                               lang=who.lang or "hi")
                elif who.action == "create" and active_paths(who.elsewhere):
                    who.transfer = True  # a member elsewhere: asked for, never taken
                elif who.action == "create":  # a member nowhere any more: taken in as the file gives them
                    who.person = update_person(self.actor, who.elsewhere, name_hi=who.name_hi, name_en=who.name_en,
                                               lang=who.lang or "hi")
                elif who.action == "update":
                    who.person = update_person(self.actor, who.person, name_hi=who.name_hi or None,
                                               name_en=who.name_en or None, lang=who.lang or None)
            for post in post_plans:
                line = post.line
                if post.who.transfer:
                    request_transfer(self.actor, post.who.elsewhere, unit=post.unit, role=post.role, team=post.team)
                    self.transfers += 1
                elif post.action != "unchanged":
                    add_post(self.actor, person=post.who.person, unit=post.unit, role=post.role, team=post.team)
        except (PeopleError, TreeError) as exc:
            self.error(line, "", str(exc))
            raise ImportAborted from exc

    @staticmethod
    def count(plans, result: ImportResult) -> None:
        _persons, post_plans = plans
        for post in post_plans:
            who = post.who
            first = who.line == post.line
            if post.action == "create" or (first and who.action == "create"):
                result.created += 1
            elif post.action == "update" or (first and who.action == "update"):
                result.updated += 1
            else:
                result.unchanged += 1


register_importer("people", PeopleImport)
