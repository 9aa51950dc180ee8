"""Throttling of attempts (failed logins and 2FA codes, resends, forgot-password).

Counters live in the ``throttle`` table, so that they count across processes. An
attempt is counted once the request's transaction has ended (a failure aborts it), on a
connection of its own: the count survives the abort, and no lock the request held (SQLite
locks the whole file) is waited for. One statement increments a counter
(``INSERT ... ON CONFLICT``), so concurrent attempts cannot lose counts.
"""
from datetime import timedelta
import math

from sqlalchemy import case, delete, select
from sqlalchemy.dialects import postgresql, sqlite

from ticketing.db import mark_changed, utcnow
from ticketing.errors import APIError
from ticketing.security import digest

from .models import Throttle

_INSERT = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}


def _keys(request, account):
    """``[(key, limit)]``: the account (a normalised e-mail) and the client address."""
    settings = request.registry.settings
    keys = [(digest("address:" + (request.client_addr or "unknown")),
             settings["ticketing.throttle.max_per_address"])]
    if account:
        keys.append((digest("account:" + account.strip().lower()),
                     settings["ticketing.throttle.max_failures"]))
    return keys


def _window(request):
    return timedelta(seconds=request.registry.settings["ticketing.throttle.window_seconds"])


def check(request, scope, account=None):
    """Raise ``429`` with ``Retry-After`` when the account or the address used up its
    attempts in the current window."""
    window, now = _window(request), utcnow()
    limits = dict(_keys(request, account))
    with request.registry["db_engine"].connect() as connection:
        rows = connection.execute(
            select(Throttle.key, Throttle.hits, Throttle.window_start)
            .where(Throttle.scope == scope, Throttle.key.in_(limits))
        ).all()
    retry = [row.window_start + window - now for row in rows
             if row.hits >= limits[row.key] and row.window_start + window > now]
    if retry:
        seconds = max(1, math.ceil(max(retry).total_seconds()))
        raise APIError(429, headers={"Retry-After": seconds}, retry_after=seconds)


def record(request, scope, account=None):
    """Count one attempt against the account and the address when the request's
    transaction ends, whether it commits or aborts."""
    keys = [key for key, _limit in _keys(request, account)]
    engine, window = request.registry["db_engine"], _window(request)
    transaction = request.tm.get()
    transaction.addAfterCommitHook(lambda _committed: _count(engine, window, scope, keys))
    transaction.addAfterAbortHook(_count, (engine, window, scope, keys))


def _count(engine, window, scope, keys):
    now = utcnow()
    expired = Throttle.window_start <= now - window
    with engine.begin() as connection:
        for key in keys:
            insert = _INSERT[engine.dialect.name](Throttle).values(
                scope=scope, key=key, window_start=now, hits=1)
            excluded = insert.excluded
            connection.execute(insert.on_conflict_do_update(
                index_elements=[Throttle.scope, Throttle.key],
                set_={"hits": case((expired, 1), else_=Throttle.hits + 1),
                      "window_start": case((expired, excluded.window_start),
                                           else_=Throttle.window_start)},
            ))


def clear(request, scope, account):
    """Forget the account's failures after a success (the address keeps its count); part
    of the request's transaction."""
    key = _keys(request, account)[-1][0]
    request.dbsession.execute(delete(Throttle).where(Throttle.scope == scope, Throttle.key == key))
    mark_changed(request.dbsession)
