"""The API schema is committed (docs/openapi.json); a change to the API must update it knowingly:
`make openapi` rewrites the file, and the diff shows in review."""

import json
from pathlib import Path

from config.api import api

SCHEMA_FILE = Path(__file__).resolve().parents[3] / "docs" / "openapi.json"


def current_schema() -> dict:
    return json.loads(json.dumps(api.get_openapi_schema(path_prefix="/api"), sort_keys=True, default=str))


def test_openapi_schema_matches_the_committed_one():
    committed = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    assert current_schema() == committed, "The API changed: run `make openapi` and commit docs/openapi.json"


def test_schema_and_docs_are_served(client):
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    assert response.json()["info"]["title"] == "Resurs API"
    assert client.get("/api/docs").status_code == 200
