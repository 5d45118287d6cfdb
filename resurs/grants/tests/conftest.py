import pytest

from resurs.grants.tests.factories import open_call, submitted_application


@pytest.fixture(autouse=True)
def _english(settings):
    """Assert the English msgids; ``test_russian_rendering`` checks the default (Russian) language."""
    from django.utils import translation

    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def _fresh_call_cache():
    """Ids are reused after a rolled-back test and time may be frozen: never carry the per-process cache over."""
    from resurs.grants import services

    services._CALL_PARTS.clear()
    yield
    services._CALL_PARTS.clear()


@pytest.fixture
def call(personas):
    return open_call(personas.centre, actor=personas.staff)


@pytest.fixture
def submitted(call, personas):
    return submitted_application(call, personas.ngo, personas.ngo_rep)
