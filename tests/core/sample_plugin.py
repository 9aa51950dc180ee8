"""A plugin defined inside the tests: it adds settings, a permission, endpoints and
listens to a domain hook, without any change to the core."""
import colander
from pyramid.security import NO_PERMISSION_REQUIRED

from ticketing import hookimpl
from ticketing.api import Service, StrictMapping, WholeNumber, response, text
from ticketing.money import Amount
from ticketing.settings import Setting, as_positive_int

logins = []

echo = Service(name="sample.echo", path="/api/sample/echo", description="Echoes its body.")
secret = Service(name="sample.secret", path="/api/sample/secret", description="Employees only.")
boom = Service(name="sample.boom", path="/api/sample/boom", description="Always fails.")


class EchoBody(StrictMapping):
    name = text(20)
    quantity = colander.SchemaNode(WholeNumber(), validator=colander.Range(min=0, max=10))
    price = colander.SchemaNode(Amount(), missing=0)


class EchoRequest(colander.MappingSchema):
    body = EchoBody()


@echo.post(schema=EchoRequest(), permission=NO_PERMISSION_REQUIRED,
           response_schemas={"200": response("The validated body", EchoBody())})
def post_echo(request):
    return request.validated["body"]


@secret.get(permission="sample:read", response_schemas={"200": response("Secret")})
def get_secret(request):
    return {"greeting": request.registry.settings["ticketing.sample.greeting"],
            "limit": request.registry.settings["ticketing.sample.limit"]}


@boom.get(permission=NO_PERMISSION_REQUIRED, response_schemas={"200": response("Never")})
def get_boom(request):
    raise RuntimeError("boom")


@hookimpl
def ticketing_settings():
    return [Setting("ticketing.sample.greeting", str, "hello"),
            Setting("ticketing.sample.limit", as_positive_int, 3)]


@hookimpl
def ticketing_permissions():
    return {"sample:read": {"employee"}}


@hookimpl
def ticketing_configure(config):
    config.scan("tests.core.sample_plugin")


@hookimpl
def ticketing_user_logged_in(request, user, guest_cart_id):
    logins.append((user.email, guest_cart_id))
