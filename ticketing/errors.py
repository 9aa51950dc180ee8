"""One JSON error envelope for everything that goes wrong:
``{"message": <translated>, "code": <stable snake_case>, ...}``."""
import logging

from pyramid.httpexceptions import HTTPException, HTTPForbidden, HTTPNotFound, HTTPRedirection
from pyramid.exceptions import URLDecodeError
from pyramid.response import Response
from pyramid.view import exception_view_config
from sqlalchemy.exc import IntegrityError, OperationalError

from .i18n import _

log = logging.getLogger(__name__)


def route_of(request):
    """What a log line names a request by: its route, never its path (e-mail link paths
    carry tokens)."""
    return request.matched_route.name if request.matched_route else "-"

DEFAULTS = {
    400: ("bad_request", _("The request is malformed.")),
    401: ("authentication_required", _("Authentication is required.")),
    403: ("forbidden", _("You are not allowed to do this.")),
    404: ("not_found", _("Not found.")),
    405: ("method_not_allowed", _("This method is not allowed here.")),
    406: ("not_acceptable", _("This resource cannot be served in the requested format.")),
    409: ("conflict", _("The request conflicts with the current state.")),
    413: ("payload_too_large", _("The request body is too large.")),
    415: ("unsupported_media_type", _("Send the request body as application/json.")),
    422: ("validation_failed", _("The data you sent is invalid.")),
    429: ("too_many_requests", _("Too many attempts. Please try again later.")),
    500: ("internal_error", _("Something went wrong on our side. Please try again later.")),
    503: ("service_unavailable", _("A service we depend on is unavailable. Please try again later.")),
}


class APIError(Exception):
    """A domain error the client should see. ``extra`` keys are added to the body
    (``status`` too: the HTTP status is positional-only)."""

    def __init__(self, status, /, code=None, message=None, *, errors=None, headers=None, **extra):
        default_code, default_message = DEFAULTS.get(status, DEFAULTS[400])
        super().__init__(code or default_code)
        self.status = status
        self.code = code or default_code
        self.message = message if message is not None else default_message
        self.errors = errors
        self.headers = headers or {}
        self.extra = extra


def translate(request, value):
    return request.localizer.translate(value) if hasattr(value, "domain") else value


def error_body(request, status, /, code, message, errors=None, **extra):
    body = {"message": translate(request, message), "code": code}
    if errors:
        body["errors"] = {
            field: [translate(request, text) for text in texts] for field, texts in errors.items()
        }
    body.update(extra)
    return body


def json_error(request, status, /, code, message, errors=None, headers=None, **extra):
    response = Response(status=status, content_type="application/json", charset="utf-8")
    response.json_body = error_body(request, status, code, message, errors, **extra)
    for name, value in (headers or {}).items():
        response.headers[name] = str(value)
    return response


@exception_view_config(APIError)
def api_error_view(exc, request):
    return json_error(request, exc.status, exc.code, exc.message, exc.errors, exc.headers,
                      **exc.extra)


@exception_view_config(HTTPException)
@exception_view_config(HTTPNotFound)  # Cornice registers views for these two
@exception_view_config(HTTPForbidden)
def http_exception_view(exc, request):
    if isinstance(exc, HTTPRedirection):
        return exc
    status = exc.status_int
    if status == 403 and request.identity is None:
        status = 401
    code, message = DEFAULTS.get(status, (exc.title.lower().replace(" ", "_"), exc.title))
    headers = {}
    if status == 401:
        headers["WWW-Authenticate"] = "Bearer"
        if request.headers.get("Authorization"):
            code, message = "invalid_token", _("Your session is invalid or has expired. Please log in again.")
    if status == 405 and "Allow" in exc.headers:
        headers["Allow"] = exc.headers["Allow"]
    return json_error(request, status, code, message, headers=headers)


@exception_view_config(URLDecodeError)
def undecodable_url_view(exc, request):
    return json_error(request, 400, *DEFAULTS[400])


@exception_view_config(IntegrityError)
def integrity_error_view(exc, request):
    """A unique or foreign-key violation raised by a concurrent request (often at commit)."""
    log.info("integrity error on %s: %s", route_of(request), exc.orig)
    return json_error(request, 409, *DEFAULTS[409])


@exception_view_config(OperationalError)
def database_unavailable_view(exc, request):
    """The database refused or dropped the connection (restart, failover, network)."""
    log.warning("database unavailable on %s: %s", route_of(request), exc.orig)
    return json_error(request, 503, *DEFAULTS[503], headers={"Retry-After": "5"})


@exception_view_config(Exception)
def unexpected_error_view(exc, request):
    log.exception("unhandled error, request id %s", getattr(request, "request_id", "-"))
    return json_error(request, 500, *DEFAULTS[500], request_id=request.request_id)
