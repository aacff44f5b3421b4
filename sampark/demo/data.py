"""What the demo is made of: the scales, the posts at each level, and realistic names."""

import random
from dataclasses import dataclass

from sampark.core.datafiles import read_csv
from sampark.people.models import Role, Team
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



class Names:
    """Realistic Hindi names from hindi_names.csv: a given name and a surname, paired by gender
    (Devi and Kumari only for women, Kumar only for men). Each distinct pair's search fields are
    computed once with the people services' own functions."""

    WOMEN_SHARE = 0.3
    # Second names that are far more common than the rest.
    MEN_WEIGHTS = {"Kumar": 8, "Singh": 4, "Yadav": 3, "Prasad": 3, "Paswan": 2, "Ram": 2}
    WOMEN_WEIGHTS = {"Devi": 10, "Kumari": 6, "Singh": 2, "Yadav": 2}

    def __init__(self, limit: int | None = None) -> None:
        rows = read_csv("hindi_names.csv")
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
            check_copy_safe(hi, en, got[2], *got[3])
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


def check_copy_safe(*values: str) -> None:
    # Rows go to COPY as text without escaping: the data must not carry tabs, newlines or backslashes.
    for v in values:
        if any(c in v for c in "\t\n\r\\"):
            raise ValueError(f"unexpected control character in demo data: {v!r}")

