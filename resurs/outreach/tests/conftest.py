import pytest


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """``with committed(): ...`` runs the on-commit work (e-mail sending) of the block as a real commit would."""

    def block():
        return django_capture_on_commit_callbacks(execute=True)

    return block
