"""Request-wide concerns that run before routing: request ids, body size limit, CORS
and security headers."""
import re
import uuid

from pyramid.exceptions import ConfigurationError
from pyramid.response import Response
from pyramid.tweens import INGRESS

from .errors import DEFAULTS, json_error

_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")

SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'",
    "Cross-Origin-Resource-Policy": "same-site",
}
DOCS_CSP = "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'"
CORS_ALLOWED_HEADERS = "Authorization, Content-Type, Accept-Language, X-Guest-Cart-ID, Idempotency-Key, X-Request-ID"
CORS_EXPOSED_HEADERS = "Content-Language, X-Request-ID, Retry-After"


def request_id(request):
    supplied = request.headers.get("X-Request-ID", "")
    return supplied if _REQUEST_ID.match(supplied) else uuid.uuid4().hex


def api_tween_factory(handler, registry):
    settings = registry.settings
    max_body = settings["ticketing.max_body_bytes"]
    origins = set(settings["ticketing.cors_origins"])
    if "*" in origins:  # credentials (bearer tokens) are allowed: name the origins
        raise ConfigurationError("ticketing.cors_origins: '*' is not allowed; list the origins")

    def tween(request):
        origin = request.headers.get("Origin")
        allowed_origin = origin if origin in origins else None
        if request.method == "OPTIONS" and "Access-Control-Request-Method" in request.headers:
            response = Response(status=204 if allowed_origin else 403)
            del response.content_type
            if allowed_origin:
                response.headers.update({
                    "Access-Control-Allow-Methods": "GET, POST, PUT, PATCH, DELETE, OPTIONS",
                    "Access-Control-Allow-Headers": CORS_ALLOWED_HEADERS,
                    "Access-Control-Max-Age": "600",
                })
        elif request.content_length and request.content_length > max_body:
            response = json_error(request, 413, *DEFAULTS[413])
        else:
            response = handler(request)
        response.headers["X-Request-ID"] = request.request_id
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        if allowed_origin:
            response.headers["Access-Control-Allow-Origin"] = allowed_origin
            response.headers["Access-Control-Allow-Credentials"] = "true"
            response.headers["Access-Control-Expose-Headers"] = CORS_EXPOSED_HEADERS
            response.headers.add("Vary", "Origin")
        return response

    return tween


def includeme(config):
    config.add_request_method(request_id, "request_id", reify=True)
    config.add_tween("ticketing.tweens.api_tween_factory", under=INGRESS)
