"""Alembic environment: one metadata for the core and every enabled plugin; each
branch's autogenerate only sees the tables its owner declares."""
from alembic import context

from ticketing.db import Base, make_engine
from ticketing.migrations import enabled_modules

config = context.config
settings = config.attributes["settings"]
enabled_modules(settings)  # importing a plugin imports its models
import ticketing.mail  # noqa: E402,F401  (core tables)
import ticketing.models  # noqa: E402,F401
import ticketing.accounts.models  # noqa: E402,F401

owned = config.attributes.get("owned_tables")  # set by `ticketing-db revision`


def include_object(obj, name, type_, reflected, compare_to):
    if owned is None:
        return True
    table = obj if type_ == "table" else getattr(obj, "table", None)
    table_name = name if type_ == "table" else getattr(table, "name", "")
    return owned(table_name)


def run_migrations():
    engine = make_engine(settings)
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=Base.metadata,
            include_object=include_object,
            render_as_batch=connection.dialect.name == "sqlite",
            compare_type=True,
        )
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


run_migrations()
