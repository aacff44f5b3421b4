"""Benchmark harness: `python -m bench.run [--scale small|bihar|india] [--db sqlite|pg|both] [--only NAME]`.

For each database a child process runs with DATABASE_URL set (a SQLite file under bench/.data/, or
the PostgreSQL database sampark_bench_<scale>): it migrates, loads the demo organisation at that
scale unless it is already there, measures the machine's raw insert rate, then imports every
bench/bench_*.py module and calls its ``run(ctx)``. Figures go to bench/results/<scale>-<vendor>.json
and a readable .md beside it. A bench module must leave the database loadable for the next one.
"""

import argparse
import importlib
import json
import os
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
DATA = BENCH / ".data"
RESULTS = BENCH / "results"
PG_BASE = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432")
RAW_ROWS = 200_000


def database_url(scale: str, db: str) -> str:
    if db == "sqlite":
        DATA.mkdir(parents=True, exist_ok=True)
        return f"sqlite:///{DATA / f'{scale}.sqlite3'}"
    # BENCH_PG_DB: another database than the shared one (a branch whose migrations differ).
    return f"{PG_BASE}/{os.environ.get('BENCH_PG_DB') or f'sampark_bench_{scale}'}"


def ensure_pg_database(name: str) -> None:
    import psycopg

    with psycopg.connect(f"{PG_BASE}/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


@dataclass
class Context:
    scale: str
    vendor: str
    raw_insert_rate: float = 0.0
    figures: list = field(default_factory=list)
    load_seconds: float | None = None  # set when the harness loaded the demo in this run

    def record(self, name: str, value: float, unit: str, target: float | None = None) -> None:
        """One figure. Rates (unit ending in "/s") get their ratio to the raw insert rate."""
        ratio = round(value / self.raw_insert_rate, 3) if unit.endswith("/s") and self.raw_insert_rate else None
        entry = {"name": name, "value": value, "unit": unit, "target": target, "ratio_to_raw": ratio}
        self.figures = [f for f in self.figures if f["name"] != name] + [entry]
        print(f"  {name}: {value:,} {unit}" + (f" (target {target:,})" if target is not None else ""), flush=True)

    @staticmethod
    def timed(fn, repeat: int = 5) -> float:
        """Median milliseconds of ``repeat`` calls (after one warm-up)."""
        fn()
        times = []
        for _ in range(repeat):
            t0 = time.perf_counter()
            fn()
            times.append((time.perf_counter() - t0) * 1000)
        return round(statistics.median(times), 2)


def raw_insert_rate() -> float:
    """Plain batched INSERTs (1,000 rows a statement) into an indexed table, one transaction: the floor
    to compare against."""
    from django.db import connection, transaction

    rows = [(i, i * 7 % 1000, f"k{(i * 7919) % 100_003:06d}") for i in range(RAW_ROWS)]
    with connection.cursor() as cur:
        cur.execute("DROP TABLE IF EXISTS bench_raw")
        cur.execute("CREATE TABLE bench_raw (id bigint PRIMARY KEY, a bigint NOT NULL, b varchar(32) NOT NULL)")
        cur.execute("CREATE INDEX bench_raw_b ON bench_raw (b)")
    t0 = time.perf_counter()
    batch = 1000
    values = ", ".join(["(%s, %s, %s)"] * batch)
    with transaction.atomic(), connection.cursor() as cur:
        for i in range(0, RAW_ROWS, batch):
            cur.execute("INSERT INTO bench_raw (id, a, b) VALUES " + values,
                        [v for row in rows[i:i + batch] for v in row])
    rate = RAW_ROWS / (time.perf_counter() - t0)
    with connection.cursor() as cur:
        cur.execute("DROP TABLE bench_raw")
    return round(rate)


def ensure_demo(scale: str, ctx: Context) -> None:
    from sampark.core.models import AuditEntry
    from sampark.demo import loader as demo
    from sampark.org.models import Unit

    last = AuditEntry.objects.filter(action="demo.load").order_by("-pk").first()
    reload = os.environ.get("BENCH_RELOAD") == "1"  # time the load again, even if this scale is there
    if not reload and last and Unit.objects.exists() and (last.after or {}).get("scale") == scale:
        print(f"  demo organisation ({scale}) already loaded", flush=True)
        return
    print(f"  loading the demo organisation ({scale})...", flush=True)
    result = demo.load(scale, reset=True, log=lambda m: print("   ", m, flush=True))
    ctx.load_seconds = result.seconds


# Figures no longer measured (renamed or replaced): dropped from the results files when merging.
RETIRED = {"directives.inbox_http_body_median", "reports_fold_per_s"}


def write_results(ctx: Context) -> None:
    RESULTS.mkdir(parents=True, exist_ok=True)
    base = RESULTS / f"{ctx.scale}-{ctx.vendor}"
    old = json.loads(base.with_suffix(".json").read_text()) if base.with_suffix(".json").exists() else {}
    figures = {f["name"]: f for f in old.get("figures", []) if f["name"] not in RETIRED}
    figures.update({f["name"]: f for f in ctx.figures})
    try:
        commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True,
                                text=True).stdout.strip()
    except OSError:
        commit = ""
    doc = {"scale": ctx.scale, "vendor": ctx.vendor, "when": datetime.now(UTC).isoformat(timespec="seconds"),
           "commit": commit, "cpus": os.cpu_count(), "load_average": [round(x, 1) for x in os.getloadavg()],
           "raw_insert_rate": ctx.raw_insert_rate, "figures": list(figures.values())}
    base.with_suffix(".json").write_text(json.dumps(doc, indent=2, ensure_ascii=False) + "\n")
    lines = [f"# Benchmarks: {ctx.scale} scale on {ctx.vendor}", "",
             f"Run {doc['when']} at commit {commit} on {doc['cpus']} CPUs (load average at the end "
             f"{', '.join(map(str, doc['load_average']))}; the machine is shared, so figures are noisy).", "",
             f"Raw limit: plain batched INSERTs into an indexed table, one transaction: "
             f"{ctx.raw_insert_rate:,} rows/s.", "",
             "| figure | value | unit | target | ratio to raw |", "| --- | ---: | --- | ---: | ---: |"]
    for f in doc["figures"]:
        target = "" if f["target"] is None else f"{f['target']:,}"
        ratio = "" if f["ratio_to_raw"] is None else f"{f['ratio_to_raw']}"
        lines.append(f"| {f['name']} | {f['value']:,} | {f['unit']} | {target} | {ratio} |")
    base.with_suffix(".md").write_text("\n".join(lines) + "\n")
    print(f"  wrote {base.with_suffix('.md').relative_to(ROOT)}", flush=True)


def child(scale: str, vendor: str, only: str | None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sampark.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    ctx = Context(scale=scale, vendor=vendor)
    ensure_demo(scale, ctx)
    ctx.raw_insert_rate = raw_insert_rate()
    print(f"  raw insert rate: {ctx.raw_insert_rate:,} rows/s", flush=True)
    sys.path.insert(0, str(ROOT))
    for path in sorted(BENCH.glob("bench_*.py")):
        name = path.stem
        if only and only not in (name, name.removeprefix("bench_")):
            continue
        print(f" {name}", flush=True)
        importlib.import_module(f"bench.{name}").run(ctx)
    write_results(ctx)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", choices=["small", "bihar", "india"], default="small")
    parser.add_argument("--db", choices=["sqlite", "pg", "both"], default="both")
    parser.add_argument("--only", help="run only bench_NAME.py")
    parser.add_argument("--child", choices=["sqlite", "pg"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.scale, "sqlite" if args.child == "sqlite" else "postgresql", args.only)
        return
    failed = False
    for db in (["sqlite", "pg"] if args.db == "both" else [args.db]):
        url = database_url(args.scale, db)
        if db == "pg":
            ensure_pg_database(url.rsplit("/", 1)[1])
        print(f"== {args.scale} on {db}", flush=True)
        cmd = [sys.executable, "-m", "bench.run", "--scale", args.scale, "--child", db]
        if args.only:
            cmd += ["--only", args.only]
        env = {**os.environ, "DATABASE_URL": url}
        failed |= subprocess.run(cmd, cwd=ROOT, env=env).returncode != 0
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
