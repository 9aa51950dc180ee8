"""Page-number pagination: ``?page=1&per_page=20`` → ``{"data": [...], "meta": {...}}``."""
import math
from datetime import datetime, time, timedelta, timezone

import colander
from sqlalchemy import func, select

from .i18n import _

MAX_PER_PAGE = 100


class PageParams(colander.MappingSchema):
    """Query parameters every list endpoint accepts; extend it with filters."""

    page = colander.SchemaNode(
        colander.Integer(), missing=1, validator=colander.Range(min=1, max=1_000_000,
        min_err=_("Must be 1 or more."), max_err=_("Must be at most 1000000.")),
        description="Page number, from 1.",
    )
    per_page = colander.SchemaNode(
        colander.Integer(), missing=20, validator=colander.Range(min=1, max=MAX_PER_PAGE,
        min_err=_("Must be 1 or more."), max_err=_("Must be at most 100.")),
        description="Items per page, at most 100.",
    )


class PageMeta(colander.MappingSchema):
    """The ``meta`` of a list response (for response schemas)."""

    page = colander.SchemaNode(colander.Integer())
    per_page = colander.SchemaNode(colander.Integer())
    total = colander.SchemaNode(colander.Integer())
    last_page = colander.SchemaNode(colander.Integer())


class DatedPageParams(PageParams):
    """``PageParams`` plus an inclusive range of days (UTC), for lists of dated rows."""

    date_from = colander.SchemaNode(colander.Date(), missing=colander.drop,
                                    description="From this day (UTC), YYYY-MM-DD.")
    date_to = colander.SchemaNode(colander.Date(), missing=colander.drop,
                                  description="Up to and including this day (UTC), YYYY-MM-DD.")


def within_days(statement, column, query):
    """Restrict ``statement`` to rows whose ``column`` falls in the validated
    ``date_from``..``date_to`` of :class:`DatedPageParams`."""
    if query.get("date_from"):
        start = datetime.combine(query["date_from"], time(), tzinfo=timezone.utc)
        statement = statement.where(column >= start)
    if query.get("date_to"):
        end = datetime.combine(query["date_to"] + timedelta(days=1), time(), tzinfo=timezone.utc)
        statement = statement.where(column < end)
    return statement


def paginate(dbsession, statement, page, per_page, serialize, scalars=True, params=None):
    """Run ``statement`` (with bind ``params``) for one page and count the whole;
    ``serialize`` turns a row into a dict."""
    total = dbsession.execute(
        select(func.count()).select_from(statement.order_by(None).subquery()), params
    ).scalar_one()
    result = dbsession.execute(statement.limit(per_page).offset((page - 1) * per_page), params)
    rows = result.scalars().all() if scalars else result.all()
    return page_body([serialize(row) for row in rows], page, per_page, total)


def page_body(data, page, per_page, total):
    return {
        "data": data,
        "meta": {
            "page": page,
            "per_page": per_page,
            "total": total,
            "last_page": max(1, math.ceil(total / per_page)),
        },
    }
