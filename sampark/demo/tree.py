"""The tree above the generated part: Centre, the states, districts and constituencies (real for
Bihar; Census-2011 districts with synthetic constituencies elsewhere), ids in pre-order."""

import random
from collections.abc import Iterator
from dataclasses import dataclass, field

from sampark.core import paths
from sampark.core.datafiles import read_csv, read_json
from sampark.demo.data import (
    BIHAR_ECI_CODE,
    LADAKH_DISTRICT_CODES,
    SEED,
    TELANGANA_DISTRICT_CODES,
    Scale,
    Shape,
    check_copy_safe,
)


@dataclass
class Node:
    id: int
    parent: "Node | None"
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


def upper_tree(scale: Scale, ids: Iterator[int]) -> Node:
    """Centre, states, districts and constituencies, ids in pre-order."""

    def add(parent, level, name_hi, name_en, code="", synthetic=False) -> Node:
        check_copy_safe(name_hi, name_en, code)
        node = Node(next(ids), parent, level, name_hi, name_en, code, synthetic)
        node.path = paths.child_path(parent.path if parent else "", node.id)
        if parent is not None:
            parent.children.append(node)
        return node

    centre = add(None, "centre", "राष्ट्रीय", "Centre")
    states = read_csv("india_states.csv")
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


def _bihar_below(state: Node, shape: Shape, add) -> None:
    districts = {}
    for d in read_csv("bihar_districts.csv"):
        districts[d["census2011_district_code"]] = add(state, "district", d["name_hi"], d["name_en"],
                                                        d["census2011_district_code"])
    for ac in read_csv("bihar_assembly_constituencies.csv"):
        node = add(districts[ac["district_census2011_code"]], "assembly", ac["name_hi"], ac["name_en"], ac["ac_no"])
        node.shape, node.seed = shape, SEED + int(ac["ac_no"])


def _india_districts() -> dict[str, list[dict]]:
    topo = read_json("india_districts.topojson")
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


def walk(node: Node) -> Iterator[Node]:
    yield node
    for c in node.children:
        yield from walk(c)

