import pytest

from tests.core import sample_plugin


@pytest.fixture
def sample_app(make_app):
    """An app with no shipped plugin but the sample plugin defined in the tests."""
    return make_app(plugins=("sample",), plugin_modules={"sample": sample_plugin},
                    **{"ticketing.cors_origins": "https://shop.test"})
