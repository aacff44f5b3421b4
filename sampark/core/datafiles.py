"""The data files that ship with Sampark (geography and names, in sampark/data with their licences).

Every reader goes through here, so a missing or damaged file stops with a message naming the file
and the setting, instead of a demo that dies half-way or a dashboard whose map quietly vanishes."""

import csv
import json
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

# What the product reads: the demo's tree and names, and the dashboards' maps.
SHIPPED = (
    "hindi_names.csv", "india_states.csv", "bihar_districts.csv", "bihar_assembly_constituencies.csv",
    "india_districts.topojson", "bihar_districts.geojson", "bihar_assembly_constituencies.geojson",
    "message_templates.csv",
)


class DataFileError(ImproperlyConfigured):
    pass


def data_path(name: str) -> Path:
    path = Path(settings.SAMPARK_DATA_DIR) / name
    if not path.is_file():
        raise DataFileError(
            f"Data file {name} is missing from {path.parent} (SAMPARK_DATA_DIR). It ships with Sampark in "
            "sampark/data/; unset SAMPARK_DATA_DIR or point it at a folder that holds the same files.")
    return path


def read_csv(name: str) -> list[dict]:
    path = data_path(name)
    try:
        with open(path, encoding="utf-8", newline="") as f:
            rows = list(csv.DictReader(f))
    except (UnicodeDecodeError, csv.Error) as exc:
        raise DataFileError(f"Data file {path} is not a UTF-8 CSV file: {exc}") from exc
    if not rows:
        raise DataFileError(f"Data file {path} has no rows.")
    return rows


def read_json(name: str) -> dict:
    path = data_path(name)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise DataFileError(f"Data file {path} is not valid JSON: {exc}") from exc
    if not isinstance(data, dict):
        raise DataFileError(f"Data file {path} does not hold a JSON object.")
    return data


def check_data_files(app_configs=None, **kwargs):
    """System check (manage.py check, migrate, the test run): every shipped file is where it is read."""
    from django.core.checks import Error

    errors = []
    for name in SHIPPED:
        try:
            data_path(name)
        except DataFileError as exc:
            errors.append(Error(str(exc), id="sampark.E001"))
    return errors
