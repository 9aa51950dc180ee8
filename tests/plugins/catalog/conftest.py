import pytest


@pytest.fixture
def app(make_app):
    """The catalogue alone: its tests need no other plugin."""
    return make_app(plugins=("catalog",))
