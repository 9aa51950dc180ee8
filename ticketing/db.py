"""Database: one engine per application, one session per request joined to the
request's transaction (pyramid_tm + zope.sqlalchemy). Application code never commits."""
from datetime import datetime, timezone

import zope.sqlalchemy
from pyramid_retry import mark_error_retryable
from sqlalchemy import DateTime, MetaData, engine_from_config, event
from sqlalchemy.orm import DeclarativeBase, sessionmaker
from sqlalchemy.types import TypeDecorator
from transaction._transaction import Status  # as zope.sqlalchemy's own guard
from zope.sqlalchemy.datamanager import join_transaction

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
    engine = engine_from_config(settings, "sqlalchemy.")
    _replay_on_dead_pooled_connections(engine)
    if engine.dialect.name == "sqlite":
        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection, _record):
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA busy_timeout=10000")
            cursor.close()
    return engine


def _replay_on_dead_pooled_connections(engine):
    """A pooled connection that died (the database restarted) fails the first statement
    of its checkout. Nothing ran on it, so that error is marked retryable: pyramid_retry
    runs the request again on a new connection (SQLAlchemy has dropped the dead pool by
    then), and a task fails once and is retried. This replaces ``pool_pre_ping``, which
    costs a round trip before every request; a disconnect after the first statement is
    not replayed (a commit may have happened)."""

    @event.listens_for(engine, "checkout")
    def _unused(_dbapi_connection, record, _proxy):
        record.info["unused"] = True

    @event.listens_for(engine, "after_cursor_execute")
    def _used(connection, *_args):
        connection.info["unused"] = False

    @event.listens_for(engine, "handle_error")
    def _replayable(context):
        connection = context.connection
        if context.is_disconnect and connection is not None and connection.info.get("unused"):
            mark_error_retryable(context.sqlalchemy_exception)


def session_factory(engine):
    """Sessions that join the transaction manager given at creation (:func:`get_tm_session`).
    The listeners are those of ``zope.sqlalchemy.register``, listened to once here rather
    than registered on every request's session (about 0.1 ms per request)."""
    factory = sessionmaker(bind=engine, expire_on_commit=False)

    def join(session, *_args):
        manager = session.info.get("transaction_manager")
        if manager is not None:  # else a plain session, committed by its user
            join_transaction(session, transaction_manager=manager)

    @event.listens_for(factory, "do_orm_execute")
    def _orm_write(state):
        if state.is_orm_statement and (state.is_insert or state.is_update or state.is_delete):
            mark_changed(state.session)

    @event.listens_for(factory, "before_commit")
    def _through_the_manager(session):
        manager = session.info.get("transaction_manager")
        if manager is not None and not session.in_nested_transaction():
            assert manager.get().status == Status.COMMITTING, \
                "commit the transaction manager (request.tm), not the session"

    event.listen(factory, "after_begin", join)
    event.listen(factory, "after_attach", join)
    event.listen(factory, "after_flush", lambda session, _context: mark_changed(session))
    return factory


def get_tm_session(factory, transaction_manager, request=None):
    """A session of :func:`session_factory` joined to ``transaction_manager``; core
    ``UPDATE``/``INSERT`` statements made through it are committed too (the transaction
    is told of them by :func:`mark_changed`)."""
    return factory(info={"request": request, "transaction_manager": transaction_manager})


def mark_changed(session):
    """Tell the transaction that a core statement wrote through ``session``; without it
    a transaction whose only writes are core statements is rolled back."""
    manager = session.info.get("transaction_manager")
    if manager is not None:
        zope.sqlalchemy.mark_changed(session, transaction_manager=manager)


def _dbsession(request):
    return get_tm_session(request.registry["dbsession_factory"], request.tm, request)


def includeme(config):
    settings = config.get_settings()
    settings["tm.manager_hook"] = "pyramid_tm.explicit_manager"
    # pyramid_tm would look the user up (a query) above the exception views: with the
    # database down that error escaped the JSON envelope as a bare server 500
    settings["tm.annotate_user"] = False
    config.include("pyramid_tm")  # one transaction per request, committed on success
    config.include("pyramid_retry")  # replays requests on serialization failures
    engine = make_engine(settings)
    config.registry["dbsession_factory"] = session_factory(engine)
    config.registry["db_engine"] = engine
    config.add_request_method(_dbsession, "dbsession", reify=True)
