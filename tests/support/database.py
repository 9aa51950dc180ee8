"""Every row of every table, read the same way on PostgreSQL and SQLite."""
import sqlalchemy as sa


def table_rows(engine):
    """``{table: sorted text of each row}`` for every table of the database."""
    names = sa.inspect(engine).get_table_names()
    with engine.connect() as connection:
        return {name: sorted(repr(tuple(row)) for row in
                             connection.execute(sa.text(f'SELECT * FROM "{name}"')))
                for name in names}
