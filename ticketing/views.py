"""Core endpoints: health, the OpenAPI document and its Swagger UI page."""
import logging

import colander

from pyramid.response import Response
from pyramid.view import view_config
from sqlalchemy import text
from swagger_ui_bundle import swagger_ui_path

from .api import Service, openapi_document, response
from .tweens import DOCS_CSP

log = logging.getLogger(__name__)

health = Service(name="core.health", path="/api/health",
                 description="Reports whether the database and the broker answer.")


def check_database(request):
    try:
        request.dbsession.execute(text("SELECT 1"))
        return "ok"
    except Exception:  # any failure means "down"; the reason goes to the log
        log.exception("health: database check failed")
        return "down"


def check_broker(request):
    celery_app = request.registry.get("celery_app")
    if celery_app is None or celery_app.conf.task_always_eager:
        return "eager"
    try:
        with celery_app.connection_for_write() as connection:
            connection.ensure_connection(max_retries=1, timeout=2)
        return "ok"
    except Exception:  # any failure means "down"; the reason goes to the log
        log.warning("health: broker check failed", exc_info=True)
        return "down"


class HealthChecks(colander.MappingSchema):
    database = colander.SchemaNode(colander.String(), description="ok or down")
    broker = colander.SchemaNode(colander.String(), description="ok, down or eager")


class HealthBody(colander.MappingSchema):
    status = colander.SchemaNode(colander.String(), description="ok, degraded or down")
    checks = HealthChecks()


@health.get(operation_id="health", tags=["core"],
            response_schemas={"200": response("Service status", HealthBody()),
                              "503": response("Database down", HealthBody())})
def get_health(request):
    """Status of the service and its dependencies; 503 when the database is down."""
    checks = {"database": check_database(request), "broker": check_broker(request)}
    if checks["database"] != "ok":
        request.response.status_int = 503
        status = "down"
    else:
        status = "degraded" if checks["broker"] == "down" else "ok"
    return {"status": status, "checks": checks}


@view_config(route_name="openapi", renderer="json", request_method="GET")
def openapi_json(request):
    return openapi_document(request)


DOCS_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>API documentation</title>
<link rel="stylesheet" href="{static}swagger-ui.css"></head>
<body><div id="swagger-ui"></div>
<script src="{static}swagger-ui-bundle.js"></script>
<script src="{own}docs.js"></script>
</body></html>
"""


@view_config(route_name="docs", request_method="GET")
def docs_page(request):
    page = DOCS_PAGE.format(
        static=request.static_path(f"{swagger_ui_path}/"),
        own=request.static_path("ticketing:static/"),
    )
    response = Response(page, content_type="text/html", charset="utf-8")
    response.headers["Content-Security-Policy"] = DOCS_CSP
    return response


def includeme(config):
    config.add_route("openapi", "/api/openapi.json")
    config.add_route("docs", "/api/docs")
    config.add_static_view("api/docs/assets", str(swagger_ui_path), cache_max_age=86400)
    config.add_static_view("api/docs/own", "ticketing:static/", cache_max_age=3600)
    config.scan(".views")
