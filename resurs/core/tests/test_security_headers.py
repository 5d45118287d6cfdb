"""The Content-Security-Policy and Permissions-Policy headers are on every kind of response: pages, HTMX
partials, API answers, static error pages and a server error."""

import pytest
from django.test import Client, override_settings
from django.urls import include, path

CSP = "Content-Security-Policy"


def _boom(request):
    raise RuntimeError("a bug")


urlpatterns = [
    path("boom/", _boom),
    path("", include("config.urls")),
]


def _directives(response) -> dict[str, list[str]]:
    policy = response[CSP]
    parts = [part.strip().split() for part in policy.split(";") if part.strip()]
    return {name: values for name, *values in parts}


def assert_strict_policy(response):
    directives = _directives(response)
    assert directives["default-src"] == ["'self'"]
    assert directives["script-src"] == ["'self'"]
    assert directives["style-src"] == ["'self'"]
    assert directives["object-src"] == ["'none'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert directives["base-uri"] == ["'self'"]
    assert directives["form-action"] == ["'self'"]
    assert directives["img-src"] == ["'self'", "data:"]
    policy = response[CSP]
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    permissions = response["Permissions-Policy"]
    for feature in ("microphone=()", "geolocation=()", "payment=()", "usb=()"):
        assert feature in permissions
    # The camera for this site only: the check-in desk scans QR tickets; never for embedded third parties.
    assert "camera=(self)" in permissions


@pytest.mark.django_db
def test_pages_carry_the_policy(client, reference_data):
    response = client.get("/")
    assert response.status_code == 200
    assert_strict_policy(response)


@pytest.mark.django_db
def test_signed_in_pages_and_htmx_partials_carry_the_policy(personas, client_for):
    client = client_for(personas.staff)
    page = client.get("/registry/organisations/")
    partial = client.get("/registry/organisations/", {"q": "a"}, HTTP_HX_REQUEST="true")
    assert page.status_code == partial.status_code == 200
    assert_strict_policy(page)
    assert_strict_policy(partial)


@pytest.mark.django_db
def test_api_answers_carry_the_policy(client):
    ok = client.get("/api/v1/health")
    refused = client.get("/api/v1/registry/organisations")
    schema = client.get("/api/openapi.json")
    assert (ok.status_code, refused.status_code, schema.status_code) == (200, 401, 200)
    for response in (ok, refused, schema):
        assert_strict_policy(response)


@pytest.mark.django_db
def test_api_docs_are_served_from_this_origin(client):
    """Swagger UI comes from django-ninja's static files (ninja in INSTALLED_APPS), not a CDN the policy refuses."""
    response = client.get("/api/docs")
    body = response.content.decode()
    assert response.status_code == 200
    assert "/static/ninja/swagger-ui-bundle.js" in body and "cdn." not in body
    assert_strict_policy(response)


@pytest.mark.django_db
def test_error_pages_carry_the_policy(client, personas, client_for):
    missing = client.get("/no-such-page/")
    assert missing.status_code == 404
    assert_strict_policy(missing)
    forbidden = client_for(personas.ngo_rep).get("/accounts/users/")
    assert forbidden.status_code == 403
    assert_strict_policy(forbidden)


@pytest.mark.django_db
@override_settings(ROOT_URLCONF=__name__, DEBUG=False)
def test_a_server_error_carries_the_policy():
    client = Client(raise_request_exception=False)
    response = client.get("/boom/")
    assert response.status_code == 500
    assert_strict_policy(response)
