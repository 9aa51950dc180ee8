"""The engine's handling of connections that died in the pool (database restarted), and
sessions bound to the request's transaction."""
import pytest
import sqlalchemy as sa
from pyramid_retry import IRetryableError

from ticketing.db import make_engine
from ticketing.tasks import task_request


@pytest.fixture
def app_engine(database_url):
    engine = make_engine({"sqlalchemy.url": database_url, "sqlalchemy.pool_size": "1"})
    yield engine
    engine.dispose()


def backend_pid(connection):
    return connection.execute(sa.text("SELECT pg_backend_pid()")).scalar_one()


def terminate(database_url, pid):
    admin = sa.create_engine(database_url, poolclass=sa.pool.NullPool)
    with admin.connect() as connection:
        assert connection.execute(sa.text("SELECT pg_terminate_backend(:pid)"),
                                  {"pid": pid}).scalar_one()
    admin.dispose()


@pytest.mark.postgresql
def test_a_pooled_connection_found_dead_at_its_first_statement_is_replayable(
        app_engine, database_url):
    with app_engine.connect() as connection:
        pid = backend_pid(connection)
    terminate(database_url, pid)  # the pool still holds the connection

    with app_engine.connect() as connection, pytest.raises(sa.exc.OperationalError) as error:
        connection.execute(sa.text("SELECT 1"))
    assert error.value.connection_invalidated
    assert IRetryableError.providedBy(error.value)

    with app_engine.connect() as connection:  # the replay gets a live connection
        assert backend_pid(connection) != pid


@pytest.mark.postgresql
def test_a_connection_lost_after_a_statement_is_not_replayed(app_engine, database_url):
    """A commit may have happened on it: running the request again could do it twice."""
    with app_engine.connect() as connection, pytest.raises(sa.exc.OperationalError) as error:
        terminate(database_url, backend_pid(connection))
        connection.execute(sa.text("SELECT 1"))
    assert error.value.connection_invalidated
    assert not IRetryableError.providedBy(error.value)


def test_a_request_session_commits_only_through_the_transaction_manager(app):
    with task_request() as request:
        request.dbsession.execute(sa.text("SELECT 1"))
        with pytest.raises(AssertionError, match="transaction manager"):
            request.dbsession.commit()
