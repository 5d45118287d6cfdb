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


def test_schema_component_names_are_unique():
    """django-ninja names a schema component after its class: two classes of one name would share one component
    and one of them would be documented wrongly (as ``DirectionOut``, ``SessionOut`` and ``RankingRowOut`` were)."""
    from collections import defaultdict

    from ninja import Schema

    def subclasses(cls):
        for subclass in cls.__subclasses__():
            yield subclass
            yield from subclasses(subclass)

    classes_by_name = defaultdict(set)
    for cls in subclasses(Schema):
        if cls.__module__.startswith("resurs."):
            classes_by_name[cls.__name__].add(f"{cls.__module__}.{cls.__qualname__}")
    assert {name: sorted(found) for name, found in classes_by_name.items() if len(found) > 1} == {}


def test_every_error_response_is_declared_in_one_shape():
    """Every 4xx response of every operation is declared with the one error schema."""
    schema = current_schema()
    shapes = {
        json.dumps(response.get("content"), sort_keys=True)
        for operations in schema["paths"].values()
        for operation in operations.values()
        for status, response in operation["responses"].items()
        if status.startswith("4")
    }
    assert shapes == {json.dumps({"application/json": {"schema": {"$ref": "#/components/schemas/ErrorOut"}}})}
