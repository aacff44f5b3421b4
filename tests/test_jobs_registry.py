"""Each app registers its own timed work; core names none of them."""

from pathlib import Path

from sampark.core.jobs import registered_ticks


def test_every_app_with_timers_registers_its_tick_in_install_order():
    ticks = registered_ticks()
    assert list(ticks) == ["people", "directives", "reports", "difficulties", "events", "network"]
    for label, tick in ticks.items():
        assert tick.__module__ == f"sampark.{label}.jobs"


def test_core_does_not_name_the_apps():
    core = Path(__file__).resolve().parent.parent / "sampark" / "core"
    for source in core.rglob("*.py"):
        if "migrations" in source.parts:
            continue
        text = source.read_text(encoding="utf-8")
        for app in ("org", "people", "reports", "directives", "difficulties", "web", "api", "demo"):
            assert f"sampark.{app}" not in text, f"{source.name} names sampark.{app}"
