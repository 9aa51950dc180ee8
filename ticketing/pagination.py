"""Page-number pagination: ``?page=1&per_page=20`` → ``{"data": [...], "meta": {...}}``."""
import math

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
