import pytest
from pyramid.exceptions import ConfigurationError

from ticketing.settings import CORE_SETTINGS, Setting, as_bool, as_positive_int, parse_settings

BASE = {"sqlalchemy.url": "sqlite://", "ticketing.frontend_url": "http://front.test",
        "ticketing.secret": "s"}


def test_defaults_and_types():
    settings = parse_settings({**BASE, "ticketing.token_hours": "6",
                               "celery.always_eager": "no"}, CORE_SETTINGS)
    assert settings["ticketing.token_hours"] == 6
    assert settings["celery.always_eager"] is False
    assert settings["ticketing.currency"] == "EUR"


def test_all_problems_are_reported_at_once():
    with pytest.raises(ConfigurationError) as error:
        parse_settings({"ticketing.token_hours": "soon", "ticketing.frontend_url": "ftp://x"},
                       CORE_SETTINGS)
    message = str(error.value)
    for name in ("sqlalchemy.url: missing", "ticketing.secret: missing",
                 "ticketing.token_hours", "ticketing.frontend_url"):
        assert name in message


def test_secrets_come_from_the_environment(monkeypatch):
    monkeypatch.setenv("TICKETING_TEST_SECRET", "from-env")
    settings = parse_settings({**BASE, "ticketing.secret": "env:TICKETING_TEST_SECRET"},
                              CORE_SETTINGS)
    assert settings["ticketing.secret"] == "from-env"


def test_a_missing_environment_variable_is_named(monkeypatch):
    monkeypatch.delenv("TICKETING_NOT_SET", raising=False)
    with pytest.raises(ConfigurationError, match="TICKETING_NOT_SET"):
        parse_settings({**BASE, "ticketing.secret": "env:TICKETING_NOT_SET"}, CORE_SETTINGS)


@pytest.mark.parametrize("parser, raw", [(as_bool, "maybe"), (as_positive_int, "0"),
                                         (as_positive_int, "1.5")])
def test_parsers_refuse_malformed_values(parser, raw):
    with pytest.raises(ConfigurationError):
        parse_settings({"x": raw}, [Setting("x", parser)])
