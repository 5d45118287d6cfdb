import pytest

from resurs.grants.tests.factories import open_call, submitted_application


@pytest.fixture
def call(personas):
    return open_call(personas.centre, actor=personas.staff)


@pytest.fixture
def submitted(call, personas):
    return submitted_application(call, personas.ngo, personas.ngo_rep)
