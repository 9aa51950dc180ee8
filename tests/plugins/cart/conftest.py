import pytest


@pytest.fixture
def app(make_app):
    return make_app(plugins=("catalog", "cart"))
