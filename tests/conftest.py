"""Test fixtures: a PostgreSQL database migrated once per run (SQLite with
TICKETING_TEST_DB=sqlite), real SMTP, real localstripe, apps built per plugin set.
Tables are emptied after each test, so tests may commit and run real servers."""
import os
import uuid

import pytest
import sqlalchemy as sa
import webtest
from sqlalchemy.orm import Session

from tests.support.localstripe import start_localstripe
from tests.support.services import LiveServer, start_smtp_server

ALL_PLUGINS = ("catalog", "cart", "payments", "invoicing", "tickets", "scanning")
PG_ADMIN_URL = os.environ.get(
    "TICKETING_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
STRIPE_KEY = "sk_test_ticketing"
PASSWORD = "correct-horse-battery-9"
WEBHOOK_SECRET = "whsec_test_" + uuid.uuid4().hex


def on_sqlite():
    return os.environ.get("TICKETING_TEST_DB") == "sqlite"


def pytest_report_header(config):
    if on_sqlite():
        return "database: sqlite (tests marked postgresql are deselected: run `make test`)"
    return "database: postgresql"


def pytest_collection_modifyitems(config, items):
    """On SQLite, leave out what needs PostgreSQL (parallel writers, row locks, killing
    backends); pytest counts them as deselected."""
    if not on_sqlite():
        return
    postgresql = [item for item in items if item.get_closest_marker("postgresql")]
    if postgresql:
        config.hook.pytest_deselected(items=postgresql)
        items[:] = [item for item in items if not item.get_closest_marker("postgresql")]


@pytest.fixture(scope="session")
def database_url(tmp_path_factory):
    if on_sqlite():
        yield f"sqlite:///{tmp_path_factory.mktemp('db')}/test.sqlite"
        return
    name = f"ticketing_test_{os.getpid()}"
    admin = sa.create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}"'))
            connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    except sa.exc.OperationalError as error:
        pytest.exit(f"PostgreSQL is not reachable at {PG_ADMIN_URL}: {error}", returncode=3)
    yield PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + name
    with admin.connect() as connection:
        connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(scope="session")
def engine(database_url):
    from alembic import command

    from ticketing.migrations import alembic_config

    command.upgrade(alembic_config(base_settings(database_url)), "heads")
    engine = sa.create_engine(database_url)
    yield engine
    engine.dispose()


@pytest.fixture(scope="session")
def smtp():
    controller, mailbox = start_smtp_server()
    yield controller, mailbox
    controller.stop()


@pytest.fixture(scope="session")
def localstripe():
    server = start_localstripe()
    server.configure_stripe(STRIPE_KEY)
    yield server
    server.stop()


def base_settings(database_url, plugins=ALL_PLUGINS):
    return {
        "sqlalchemy.url": database_url,
        "ticketing.plugins": " ".join(plugins),
        "ticketing.frontend_url": "http://front.test",
        "ticketing.public_url": "http://api.test",
        "ticketing.secret": "test-secret",
        "ticketing.shop_name": "Test Shop",
        "ticketing.argon2.time_cost": "1",
        "ticketing.argon2.memory_cost": "1024",
        "mail.default_sender": "shop@example.com",
        "celery.always_eager": "true",
        "ticketing.stripe.secret_key": STRIPE_KEY,
        "ticketing.stripe.publishable_key": "pk_test_ticketing",
        "ticketing.stripe.webhook_secret": WEBHOOK_SECRET,
    }


@pytest.fixture(scope="session")
def app_settings(engine, smtp, localstripe, tmp_path_factory):
    """Settings every test app starts from; ``make_app`` overrides them."""
    settings = base_settings(str(engine.url.render_as_string(hide_password=False)))
    settings.update({
        "ticketing.storage_dir": str(tmp_path_factory.mktemp("files")),
        "mail.host": "127.0.0.1",
        "mail.port": str(smtp[0].port),
        "ticketing.stripe.api_base": localstripe.url,
    })
    return settings


@pytest.fixture(scope="session")
def _app_cache():
    cache = {}
    yield cache
    for testapp in cache.values():
        testapp.app.registry["db_engine"].dispose()


@pytest.fixture
def make_app(app_settings, _app_cache):
    """``make_app(plugins=(...), **settings)`` → a WebTest app (cached per arguments)."""
    from ticketing import make_config
    from ticketing.tasks import configure

    def factory(plugins=ALL_PLUGINS, plugin_modules=None, **overrides):
        key = (tuple(plugins), tuple(sorted((plugin_modules or {}).items())),
               tuple(sorted(overrides.items())))
        if key not in _app_cache:
            settings = {**app_settings, "ticketing.plugins": " ".join(plugins), **overrides}
            if plugin_modules:
                settings["ticketing.plugin_modules"] = plugin_modules
            wsgi = make_config(settings).make_wsgi_app()
            _app_cache[key] = webtest.TestApp(wsgi, extra_environ={"HTTP_HOST": "api.test"})
        testapp = _app_cache[key]
        configure(testapp.app.registry)  # tasks run against the app under test
        return testapp

    return factory


@pytest.fixture
def app(make_app):
    return make_app()


@pytest.fixture
def registry(app):
    return app.app.registry


@pytest.fixture
def db(engine):
    """A plain session for arranging and inspecting data; commit what others must see."""
    with Session(engine, expire_on_commit=False) as session:
        yield session


@pytest.fixture
def mailbox(smtp):
    smtp[1].clear()
    return smtp[1]


@pytest.fixture
def live_server(app):
    server = LiveServer(app.app)
    yield server
    server.stop()


@pytest.fixture
def make_user(db, app):
    """``make_user(email=..., roles=(...), password=..., verified=True, **columns)``."""
    from ticketing.db import utcnow
    from ticketing.models import User
    from ticketing.passwords import hash_password

    def factory(email=None, password=PASSWORD, roles=("customer",), verified=True, **columns):
        user = User(
            email=email or f"user-{uuid.uuid4().hex[:10]}@example.com",
            password_hash=hash_password(app.app.registry, password),
            first_name=columns.pop("first_name", "Alex"),
            last_name=columns.pop("last_name", "Example"),
            email_verified_at=utcnow() if verified else None,
            **columns,
        )
        user.roles = roles
        db.add(user)
        db.commit()
        return user

    return factory


@pytest.fixture
def auth(db, app):
    """``auth(user)`` → headers with a fresh bearer token for ``user``."""
    from ticketing.security import issue_token, token_lifetime

    def headers(user, remember=False, **extra):
        token = issue_token(db, user, token_lifetime(app.app.registry.settings, remember))
        db.commit()
        return {"Authorization": f"Bearer {token}", **extra}

    return headers


@pytest.fixture(scope="session")
def _tables(engine):
    """Every migrated table, parents first, read from the database (plugin models may
    not be imported yet when the first test runs)."""
    metadata = sa.MetaData()
    metadata.reflect(engine)
    return [table for table in metadata.sorted_tables if table.name != "alembic_version"]


@pytest.fixture(autouse=True)
def _empty_tables(request):
    if "engine" not in request.fixturenames:
        yield
        return
    engine = request.getfixturevalue("engine")
    tables = request.getfixturevalue("_tables")
    yield
    # DELETE, children first, is 20 times faster than TRUNCATE on tables this small; the
    # lock makes it one step for servers still finishing a request (as TRUNCATE was)
    with engine.begin() as connection:
        postgresql = engine.dialect.name == "postgresql"
        if postgresql:
            names = ", ".join(f'"{table.name}"' for table in tables)
            connection.execute(sa.text(f"LOCK TABLE {names} IN ACCESS EXCLUSIVE MODE"))
        for table in reversed(tables):
            connection.execute(table.delete())
        if postgresql:  # ids start at 1 again
            connection.execute(sa.text(
                "SELECT setval(oid::regclass, 1, false) FROM pg_class WHERE relkind = 'S'"))
