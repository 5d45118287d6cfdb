"""The repository stands on its own: everything the product, the tests and the benchmarks read is inside it."""

from __future__ import annotations

import re
from pathlib import Path

from django.conf import settings

# A path that leaves the repository for a folder beside it (the development machines' shared data folder).
OUTSIDE = re.compile(
    "|".join(
        [
            r"\.\./" + "shared",
            "SHARED" + "_DATA",
            "RESURS_" + "SHARED",
            r"BASE_DIR\.parent\b",
            "/work/" + "shared",
        ]
    )
)
CHECKED_SUFFIXES = {".py", ".sh", ".cfg", ".toml", ".ini", ".txt", ".html", ".js"}
SKIPPED_DIRS = {".git", ".venv", "node_modules", "var", "locale", "__pycache__", "data"}


def _project_files(root: Path):
    for path in root.rglob("*"):
        if any(part in SKIPPED_DIRS for part in path.relative_to(root).parts):
            continue
        if path.is_file() and (path.suffix in CHECKED_SUFFIXES or path.name in {"Makefile", "run"}):
            yield path


def test_the_data_folder_is_inside_the_repository_and_documented():
    data = Path(settings.DATA_DIR).resolve()
    assert data.is_relative_to(Path(settings.BASE_DIR).resolve())
    provenance = (data / "PROVENANCE.md").read_text(encoding="utf-8")
    for path in sorted(p for p in data.rglob("*") if p.is_file() and p.name != "PROVENANCE.md"):
        assert f"`{path.name}`" in provenance, f"{path} has no provenance entry"


def test_no_module_reads_a_folder_outside_the_repository():
    root = Path(settings.BASE_DIR)
    this_file = Path(__file__).resolve()
    offenders = [
        f"{path.relative_to(root)}:{number}"
        for path in _project_files(root)
        if path.resolve() != this_file
        for number, line in enumerate(path.read_text(encoding="utf-8", errors="replace").splitlines(), 1)
        if OUTSIDE.search(line)
    ]
    assert offenders == []
