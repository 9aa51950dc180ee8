"""The migrated schema equals the models: autogenerate finds nothing to do."""
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from ticketing.db import Base


def test_migrations_build_exactly_the_models(engine):
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, Base.metadata)
    assert differences == []


def test_every_model_table_exists(engine):
    from sqlalchemy import inspect

    assert set(Base.metadata.tables) <= set(inspect(engine).get_table_names())


def test_migrations_build_the_same_schema_on_sqlite(tmp_path, app_settings):
    import sqlalchemy as sa
    from alembic import command

    from ticketing.migrations import alembic_config

    url = f"sqlite:///{tmp_path}/fresh.sqlite"
    command.upgrade(alembic_config({**app_settings, "sqlalchemy.url": url}), "heads")
    engine = sa.create_engine(url)
    try:
        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            assert compare_metadata(context, Base.metadata) == []
    finally:
        engine.dispose()
