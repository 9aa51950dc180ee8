"""Everything the core knows of Cornice lives here, so that it can be replaced: the
``Service`` class views are declared with, request validation into the JSON error
envelope, schema building blocks, and the OpenAPI document."""
import json
import re

import colander
import cornice
from cornice_swagger import CorniceSwagger
from pyramid.security import NO_PERMISSION_REQUIRED
from cornice_swagger.converters.schema import (
    IntegerTypeConverter,
    ObjectTypeConverter,
    StringTypeConverter,
    TypeConversionDispatcher,
)

from .errors import APIError
from .i18n import _
from .money import Amount, Fraction

INT32_MAX = 2**31 - 1


class ErrorBody(colander.MappingSchema):
    message = colander.SchemaNode(colander.String(), description="Translated message.")
    code = colander.SchemaNode(colander.String(), description="Stable snake_case code.")
    errors = colander.SchemaNode(
        colander.Mapping(unknown="preserve"), missing=colander.drop,
        description="Per-field messages (422 only).",
    )


ERROR_STATUSES = {
    "400": "Malformed request or JSON",
    "401": "Missing, invalid or expired token",
    "403": "Not allowed for this role",
    "404": "Not found",
    "409": "Conflicts with the current state",
    "413": "Body too large",
    "415": "Body is not JSON",
    "422": "Invalid fields",
    "429": "Too many attempts",
    "500": "Unexpected error",
    "503": "A dependency is unavailable",
}


class Service(cornice.Service):
    """A Cornice service answering JSON, validated by :func:`validate`; every operation
    documents the error envelope for the statuses any request can meet."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("cors_enabled", False)  # CORS is handled by a tween
        kwargs.setdefault("depth", 2)  # venusian attaches to the caller's module
        kwargs.setdefault("validators", (validate,))
        super().__init__(*args, **kwargs)

    def add_view(self, method, view, **kwargs):
        errors = {status: response(text, ErrorBody()) for status, text in ERROR_STATUSES.items()}
        kwargs["response_schemas"] = {**errors, **kwargs.get("response_schemas", {})}
        if kwargs.get("permission") not in (None, NO_PERMISSION_REQUIRED):
            kwargs.setdefault("api_security", [{"Bearer": []}])
        return super().add_view(method, view, **kwargs)


def response(description, body=None):
    """A documented response: ``body`` is the colander schema of its JSON body."""
    schema = colander.MappingSchema(description=description)
    if body is not None:
        body = body.clone()
        body.name = "body"
        schema.add(body)
    return schema


# -- schema building blocks -------------------------------------------------------------


class WholeNumber(colander.SchemaType):
    """An integer, never a bool or a fraction, within the 32-bit range."""

    def serialize(self, node, appstruct):
        return colander.null if appstruct is colander.null else int(appstruct)

    def deserialize(self, node, cstruct):
        if cstruct is colander.null or cstruct == "":
            return colander.null
        invalid = colander.Invalid(node, _("Must be a whole number."))
        if isinstance(cstruct, bool) or isinstance(cstruct, (list, dict)) or cstruct is None:
            raise invalid
        if isinstance(cstruct, float):
            if not cstruct.is_integer():
                raise invalid
            cstruct = int(cstruct)
        if isinstance(cstruct, str):
            text = cstruct.strip()
            if not text.lstrip("-").isdigit() or len(text) > 12:
                raise invalid
            cstruct = int(text)
        if abs(cstruct) > INT32_MAX:
            raise colander.Invalid(node, _("Must be a whole number."))
        return cstruct


class Text(colander.String):
    """A string without NUL bytes or surrounding blanks."""

    def deserialize(self, node, cstruct):
        if cstruct is not colander.null and not isinstance(cstruct, str):
            raise colander.Invalid(node, _("Must be text."))
        value = super().deserialize(node, cstruct)
        if value is colander.null:
            return value
        if "\x00" in value:
            raise colander.Invalid(node, _("Must not contain NUL characters."))
        return value.strip()


def text(max_length, **kwargs):
    """A required (unless ``missing=`` is given) text node of at most ``max_length``."""
    validators = [colander.Length(max=max_length, max_err=_("At most ${max} characters."))]
    if kwargs.get("missing", colander.required) is colander.required:
        validators.append(colander.Length(min=1, min_err=_("Required.")))
    if "validator" in kwargs:
        validators.append(kwargs.pop("validator"))
    return colander.SchemaNode(Text(), validator=colander.All(*validators), **kwargs)


class StrictMappingType(colander.Mapping):
    """A mapping that validates its known fields and reports each unknown one too."""

    def __init__(self):
        super().__init__(unknown="ignore")

    def deserialize(self, node, cstruct):
        known = {child.name for child in node.children}
        unknown = sorted(str(key) for key in cstruct if key not in known) if isinstance(
            cstruct, dict) else []
        error = None
        try:
            result = super().deserialize(node, cstruct)
        except colander.Invalid as invalid:
            error = invalid
        if unknown:
            error = error or colander.Invalid(node)
            for key in unknown[:20]:
                field = colander.SchemaNode(colander.String(), name=key[:64])
                error.add(colander.Invalid(field, _("Unknown field.")))
        if error is not None:
            raise error
        return result


class StrictMapping(colander.MappingSchema):
    """A JSON object that refuses fields it does not know."""

    schema_type = StrictMappingType


class Request(colander.MappingSchema):
    """Base of request schemas; subclasses add ``body``, ``querystring``, ``path``."""


# -- validation -------------------------------------------------------------------------


def _json_body(request):
    if not request.body:
        return colander.null
    content_type = (request.content_type or "").lower()
    if content_type != "application/json" and not (
        content_type.startswith("application/") and content_type.endswith("+json")
    ):
        raise APIError(415)
    try:
        text = request.body.decode("utf-8")
    except UnicodeDecodeError:
        raise APIError(400, "invalid_json", _("The request body is not valid UTF-8.")) from None
    try:
        return json.loads(text, parse_constant=_reject_constant)
    except (ValueError, RecursionError):
        raise APIError(400, "invalid_json", _("The request body is not valid JSON.")) from None


def _reject_constant(name):
    raise ValueError(f"{name} is not allowed")


def _field_errors(request, invalid):
    errors = {}
    for path, message in invalid.asdict(translate=request.localizer.translate).items():
        location, _sep, field = path.partition(".")
        field = field or location
        errors.setdefault(field, []).extend(
            part.strip() for part in message.split(";") if part.strip()
        )
    return errors


def validate(request, **kwargs):
    """Cornice validator: deserialize ``body``/``querystring``/``path`` with the view's
    schema into ``request.validated``; any problem raises the 422 envelope."""
    schema = kwargs.get("schema")
    if schema is None:
        return
    schema = schema.bind(request=request)
    cstruct = {}
    for child in schema.children:
        if child.name == "body":
            body = _json_body(request)
            if body is not colander.null and not isinstance(body, dict):
                raise APIError(422, errors={"body": [_("Must be a JSON object.")]})
            cstruct["body"] = body if body is not colander.null else {}
        elif child.name == "querystring":
            try:
                cstruct["querystring"] = dict(request.GET)
            except UnicodeDecodeError:
                raise APIError(400, "bad_request", _("The query string is not valid UTF-8.")) from None
        elif child.name == "path":
            cstruct["path"] = dict(request.matchdict or {})
    try:
        request.validated.update(schema.deserialize(cstruct))
    except colander.Invalid as invalid:
        raise APIError(422, errors=_field_errors(request, invalid)) from None


# -- OpenAPI ----------------------------------------------------------------------------


class StrictObjectConverter(ObjectTypeConverter):
    def convert_type(self, schema_node):
        converted = super().convert_type(schema_node)
        converted["additionalProperties"] = False
        return converted


class DecimalStringConverter(StringTypeConverter):
    """Amounts and fractions: documented as decimal strings (numbers are accepted too)."""

    def convert_type(self, schema_node):
        converted = super().convert_type(schema_node)
        converted["pattern"] = r"^-?[0-9]+(\.[0-9]+)?$"
        return converted


_PATTERN = re.compile(r"\{(\w+):[^{}]*\}")  # a route placeholder with a regex: {id:\d+}


class NullableAwareDispatcher(TypeConversionDispatcher):
    """A response field declared ``nullable=True`` (``SchemaNode(..., nullable=True)``)
    may be ``null``; Swagger 2 says so with ``x-nullable``."""

    def __call__(self, schema_node):
        converted = super().__call__(schema_node)
        if getattr(schema_node, "nullable", False):
            converted["x-nullable"] = True
        return converted


class OpenAPIGenerator(CorniceSwagger):
    type_converter = NullableAwareDispatcher
    custom_type_converters = {
        StrictMappingType: StrictObjectConverter,
        WholeNumber: IntegerTypeConverter,
        Text: StringTypeConverter,
        Amount: DecimalStringConverter,
        Fraction: DecimalStringConverter,
    }


def openapi_document(request):
    introspector = request.registry.introspector
    services = [service for service in cornice.service.get_services()
                if introspector.get("routes", service.name) is not None]  # this app's only
    generator = OpenAPIGenerator(services, pyramid_registry=request.registry)
    generator.summary_docstrings = True
    spec = generator.generate(
        title=request.registry.settings["ticketing.shop_name"] + " API",
        version="1.0.0",
        base_path="/",
        info={"description": "Ticket shop backend. Errors: {message, code, errors?}."},
        swagger={"securityDefinitions": {
            "Bearer": {"type": "apiKey", "in": "header", "name": "Authorization",
                       "description": "Bearer <token> from POST /api/auth/login"}
        }},
    )
    spec["paths"] = {_PATTERN.sub(r"{\1}", path): item for path, item in spec["paths"].items()}
    return spec
