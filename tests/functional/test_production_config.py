"""production.ini: every secret comes from the environment, the app starts from it (no
connection is opened at startup), and tasks go to the broker instead of running inline."""
import configparser
from pathlib import Path

import pytest
from pyramid.exceptions import ConfigurationError
from pyramid.paster import get_app

INI = str(Path(__file__).resolve().parents[2] / "production.ini")
SECRETS = {
    "ticketing.secret": "TICKETING_SECRET",
    "ticketing.stripe.secret_key": "STRIPE_SECRET_KEY",
    "ticketing.stripe.publishable_key": "STRIPE_PUBLISHABLE_KEY",
    "ticketing.stripe.webhook_secret": "STRIPE_WEBHOOK_SECRET",
    "mail.password": "TICKETING_SMTP_PASSWORD",
}


@pytest.fixture
def secrets(monkeypatch):
    for variable in SECRETS.values():
        monkeypatch.setenv(variable, f"value-of-{variable.lower()}")


def test_secrets_are_read_from_the_environment():
    parser = configparser.ConfigParser(interpolation=None)
    parser.read(INI)
    app = parser["app:main"]
    assert {name: app[name] for name in SECRETS} == {
        name: f"env:{variable}" for name, variable in SECRETS.items()}
    assert parser["server:main"]["use"] == "egg:gunicorn#main"
    assert int(parser["server:main"]["workers"]) > 1


def test_the_app_starts_from_production_ini(secrets):
    app = get_app(INI)
    settings = app.registry.settings
    assert settings["ticketing.stripe.webhook_secret"] == "value-of-stripe_webhook_secret"
    assert settings["celery.always_eager"] is False
    assert settings["celery.broker_url"].startswith("redis://")
    assert app.registry["db_engine"].dialect.name == "postgresql"
    app.registry["db_engine"].dispose()


def test_a_missing_secret_stops_startup(secrets, monkeypatch):
    monkeypatch.delenv("STRIPE_SECRET_KEY")
    with pytest.raises(ConfigurationError, match="STRIPE_SECRET_KEY"):
        get_app(INI)


def test_the_readme_lists_every_setting():
    from ticketing import plugins
    from ticketing.settings import CORE_SETTINGS

    manager = plugins.make_plugin_manager(plugins.resolve(list(plugins.installed())))
    declared = CORE_SETTINGS + [s for group in manager.hook.ticketing_settings() for s in group]
    readme = (Path(INI).parent / "README.md").read_text()
    assert [s.name for s in declared if f"`{s.name}`" not in readme] == []
