"""The data files ship inside the repository, and a missing or damaged one is a clear error."""

from pathlib import Path

import pytest
from django.conf import settings as django_settings

from sampark.core import datafiles
from sampark.reports import svg

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture
def fresh_maps():
    svg._features.cache_clear()
    svg.shapes.cache_clear()
    yield
    svg._features.cache_clear()
    svg.shapes.cache_clear()


def test_the_default_data_folder_is_inside_the_repository():
    folder = Path(django_settings.SAMPARK_DATA_DIR).resolve()
    assert folder.is_relative_to(REPO)
    for name in datafiles.SHIPPED:
        assert (folder / name).is_file(), name
    # Their sources and licences travel with them.
    readme = (folder / "README.md").read_text(encoding="utf-8")
    assert "CC BY 2.5" in readme and "Hindustan Times" in readme and "CC0" in readme


def test_bihar_has_its_38_districts_and_243_constituencies():
    assert len(datafiles.read_csv("bihar_districts.csv")) == 38
    assert len(datafiles.read_csv("bihar_assembly_constituencies.csv")) == 243
    assert len(svg._features(svg.DISTRICTS_FILE)) == 38


def test_a_missing_file_names_itself_and_the_setting(settings, tmp_path, fresh_maps):
    settings.SAMPARK_DATA_DIR = tmp_path
    with pytest.raises(datafiles.DataFileError, match="bihar_districts.geojson.*SAMPARK_DATA_DIR"):
        svg._features(svg.DISTRICTS_FILE)
    errors = datafiles.check_data_files()
    assert len(errors) == len(datafiles.SHIPPED)
    assert all(e.id == "sampark.E001" for e in errors)


def test_a_damaged_file_is_an_error_not_an_empty_map(settings, tmp_path, fresh_maps):
    settings.SAMPARK_DATA_DIR = tmp_path
    (tmp_path / svg.DISTRICTS_FILE).write_text("{not json", encoding="utf-8")
    with pytest.raises(datafiles.DataFileError, match="not valid JSON"):
        svg._features(svg.DISTRICTS_FILE)
    (tmp_path / svg.DISTRICTS_FILE).write_text('{"type": "FeatureCollection"}', encoding="utf-8")
    with pytest.raises(datafiles.DataFileError, match="GeoJSON"):
        svg._features(svg.DISTRICTS_FILE)
    (tmp_path / "bihar_districts.csv").write_bytes(b"name_en\n\xff\xfe\n")
    with pytest.raises(datafiles.DataFileError, match="UTF-8"):
        datafiles.read_csv("bihar_districts.csv")


def test_the_shipped_files_pass_the_system_check():
    assert datafiles.check_data_files() == []
