import pytest
from pyramid.scripting import prepare

from scripts.devserver import load_demo_data


@pytest.fixture
def demo_data(app):
    """``demo_data()`` loads the development demo data as ``make run`` does."""
    def load():
        env = prepare(registry=app.app.registry)
        try:
            with env["request"].tm:
                load_demo_data(env["request"])
        finally:
            env["closer"]()
    return load
