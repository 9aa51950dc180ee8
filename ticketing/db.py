"""Database: one engine per application, one session per request joined to the
request's transaction (pyramid_tm + zope.sqlalchemy). Application code never commits."""
from datetime import datetime, timezone

import zope.sqlalchemy
from sqlalchemy import DateTime, MetaData, engine_from_config, event
from sqlalchemy.orm import DeclarativeBase, sessionmaker
from sqlalchemy.types import TypeDecorator

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class UTCDateTime(TypeDecorator):
    """Timezone-aware datetimes stored in UTC, also on SQLite (which keeps no offset)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTCDateTime column")
        return value.astimezone(timezone.utc)

    def process_result_value(self, value, dialect):
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=timezone.utc)
        return value


def utcnow():
    return datetime.now(timezone.utc)


def make_engine(settings):
    # pre-ping: a connection that died in the pool (database restarted) is replaced
    # before use instead of failing the request that drew it
    engine = engine_from_config(settings, "sqlalchemy.", pool_pre_ping=True)
    if engine.dialect.name == "sqlite":
        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection, _record):
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA busy_timeout=10000")
            cursor.close()
    return engine


def get_tm_session(session_factory, transaction_manager, request=None):
    """A session joined to ``transaction_manager``; core ``UPDATE``/``INSERT`` statements
    made through it are committed too (zope.sqlalchemy is told of them by
    :func:`mark_changed`)."""
    session = session_factory(info={"request": request})
    zope.sqlalchemy.register(session, transaction_manager=transaction_manager)
    return session


def mark_changed(session):
    """Tell the transaction that a core statement wrote through ``session``; without it
    a transaction whose only writes are core statements is rolled back."""
    zope.sqlalchemy.mark_changed(session)


def _dbsession(request):
    session = request.environ.get("app.dbsession")  # injected by tests
    if session is None:
        session = get_tm_session(request.registry["dbsession_factory"], request.tm, request)
    return session


def includeme(config):
    settings = config.get_settings()
    settings["tm.manager_hook"] = "pyramid_tm.explicit_manager"
    # pyramid_tm would look the user up (a query) above the exception views: with the
    # database down that error escaped the JSON envelope as a bare server 500
    settings["tm.annotate_user"] = False
    config.include("pyramid_tm")  # one transaction per request, committed on success
    config.include("pyramid_retry")  # replays requests on serialization failures
    engine = make_engine(settings)
    config.registry["dbsession_factory"] = sessionmaker(bind=engine, expire_on_commit=False)
    config.registry["db_engine"] = engine
    config.add_request_method(_dbsession, "dbsession", reify=True)
