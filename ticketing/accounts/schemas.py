"""Request and response schemas of the account endpoints."""
import colander

from ticketing.api import Request, StrictMapping, Text, text
from ticketing.i18n import LOCALES, _
from ticketing.models import ROLES
from ticketing.pagination import PageMeta, PageParams

MAX_PASSWORD = 256


def flag(**kwargs):
    """A boolean: JSON ``true``/``false`` (or ``"true"``/``"false"``/``1``/``0``)."""
    return colander.SchemaNode(
        colander.Boolean(false_choices=("false", "0"), true_choices=("true", "1")), **kwargs)


def email(**kwargs):
    return text(254, validator=colander.Email(msg=_("Enter a valid e-mail address.")),
                preparer=lambda value: value.lower() if isinstance(value, str) else value,
                **kwargs)


def locale(**kwargs):
    return text(5, validator=colander.OneOf(LOCALES, msg_err=_("Choose one of: en, de, fr.")),
                **kwargs)


@colander.deferred
def password_policy(node, kw):
    """At least ``ticketing.password_min_length`` characters, with a letter and
    something that is not a letter."""
    minimum = kw["request"].registry.settings["ticketing.password_min_length"]

    def check(node, value):
        if len(value) < minimum:
            raise colander.Invalid(node, _("At least ${min} characters.", mapping={"min": minimum}))
        if not any(c.isalpha() for c in value) or all(c.isalpha() for c in value):
            raise colander.Invalid(
                node, _("Use letters and at least one digit or other character."))

    return colander.All(colander.Length(max=MAX_PASSWORD,
                                        max_err=_("At most ${max} characters.")), check)


def new_password(**kwargs):
    return colander.SchemaNode(Text(), validator=password_policy, **kwargs)


class NewPassword(StrictMapping):
    password = new_password(description="The new password.")
    password_confirmation = text(MAX_PASSWORD, description="The same again.")

    def validator(self, node, value):
        if value["password"] != value["password_confirmation"]:
            error = colander.Invalid(node)
            error["password_confirmation"] = _("The passwords do not match.")
            raise error


# -- requests ---------------------------------------------------------------------------


class RegisterBody(NewPassword):
    first_name = text(100, description="First name.")
    last_name = text(100, description="Last name.")
    email = email(description="E-mail address; a verification link is sent there.")
    locale = locale(missing=colander.drop, description="en, de or fr (default: the request's).")


class Register(Request):
    body = RegisterBody()


class EmailBody(StrictMapping):
    email = email(description="The account's e-mail address.")


class EmailOnly(Request):
    body = EmailBody()


class LoginBody(StrictMapping):
    email = email(description="E-mail address.")
    password = text(MAX_PASSWORD, description="Password.")
    remember = flag(missing=False, description="Keep the session 7 days instead of 12 hours.")
    twofa_code = text(32, missing="", description="TOTP or recovery code when 2FA is on.")


class Login(Request):
    body = LoginBody()


class CodeBody(StrictMapping):
    code = text(32, description="A 6-digit code of the authenticator app (or a recovery code).")


class Code(Request):
    body = CodeBody()


class ResetBody(NewPassword):
    token = text(100, description="The token of the reset link.")
    email = email(description="The e-mail address of the reset link.")


class Reset(Request):
    body = ResetBody()


class ChangePasswordBody(NewPassword):
    current_password = text(MAX_PASSWORD, description="The current password.")


class ChangePassword(Request):
    body = ChangePasswordBody()


class ProfileBody(StrictMapping):
    first_name = text(100, missing=colander.drop, description="First name.")
    last_name = text(100, missing=colander.drop, description="Last name.")
    locale = locale(missing=colander.drop, description="Language of e-mails: en, de or fr.")


class Profile(Request):
    body = ProfileBody()


class ChangeEmailBody(StrictMapping):
    email = email(description="The new address; it takes effect once verified.")
    current_password = text(MAX_PASSWORD, description="The current password.")


class ChangeEmail(Request):
    body = ChangeEmailBody()


# -- admin ------------------------------------------------------------------------------


class RoleList(colander.SequenceSchema):
    role = colander.SchemaNode(colander.String(), validator=colander.OneOf(
        ROLES, msg_err=_("Choose among: customer, employee, admin.")))


class UserFilters(PageParams):
    search = text(100, missing=colander.drop, description="Part of the e-mail address or name.")
    role = text(20, missing=colander.drop, validator=colander.OneOf(
        ROLES, msg_err=_("Choose among: customer, employee, admin.")), description="A role.")
    is_active = flag(missing=colander.drop, description="Active (true) or deactivated (false).")
    verified = flag(missing=colander.drop, description="E-mail verified or not.")


class ListUsers(Request):
    querystring = UserFilters()


class UserId(colander.MappingSchema):
    id = colander.SchemaNode(colander.Integer(), validator=colander.Range(min=1, max=2**31 - 1))


class UserPath(Request):
    path = UserId()


class UpdateUserBody(StrictMapping):
    name = text(201, missing=colander.drop,
                description="Full name; the first word becomes the first name.")
    first_name = text(100, missing=colander.drop, description="First name.")
    last_name = text(100, missing=colander.drop, description="Last name.")
    locale = locale(missing=colander.drop, description="en, de or fr.")
    roles = RoleList(missing=colander.drop, validator=colander.Length(
        min=1, min_err=_("Give at least one role.")), description="The user's roles.")
    is_active = flag(missing=colander.drop, description="false deactivates the account.")
    twofa_enabled = flag(missing=colander.drop, description="false turns 2FA off.")

    def validator(self, node, value):
        if "name" in value and ("first_name" in value or "last_name" in value):
            error = colander.Invalid(node)
            error["name"] = _("Send either name or first_name and last_name.")
            raise error
        if value.get("twofa_enabled") is True:
            error = colander.Invalid(node)
            error["twofa_enabled"] = _("Only the user can turn 2FA on.")
            raise error


class UpdateUser(UserPath):
    body = UpdateUserBody()


class EmployeeBody(StrictMapping):
    first_name = text(100, description="First name.")
    last_name = text(100, description="Last name.")
    email = email(description="E-mail address; a link to set the password is sent there.")
    locale = locale(missing="en", description="Language of e-mails: en, de or fr.")


class CreateEmployee(Request):
    body = EmployeeBody()


# -- responses --------------------------------------------------------------------------


class Roles(colander.SequenceSchema):
    role = colander.SchemaNode(colander.String())


class UserBody(colander.MappingSchema):
    id = colander.SchemaNode(colander.Integer())
    email = colander.SchemaNode(colander.String())
    first_name = colander.SchemaNode(colander.String())
    last_name = colander.SchemaNode(colander.String())
    roles = Roles()
    locale = colander.SchemaNode(colander.String())
    is_active = colander.SchemaNode(colander.Boolean())
    email_verified_at = colander.SchemaNode(colander.DateTime(), nullable=True,
                                            description="null until verified")
    twofa_enabled = colander.SchemaNode(colander.Boolean())
    created_at = colander.SchemaNode(colander.DateTime())


class UserList(colander.SequenceSchema):
    user = UserBody()


class UserPage(colander.MappingSchema):
    data = UserList()
    meta = PageMeta()


class MessageBody(colander.MappingSchema):
    message = colander.SchemaNode(colander.String(), description="Translated message.")


class MessageUserBody(MessageBody):
    user = UserBody()


class LoginResult(MessageUserBody):
    token = colander.SchemaNode(colander.String(), description="Bearer token (shown once).")
    twofa_enabled = colander.SchemaNode(colander.Boolean())


class TwofaSetup(colander.MappingSchema):
    qr_code_url = colander.SchemaNode(colander.String(), description="PNG data URL of the otpauth URI.")
    secret = colander.SchemaNode(colander.String(), description="Base32 key to type in by hand.")
    expires_at = colander.SchemaNode(colander.DateTime(), description="When the setup expires.")


class Codes(colander.SequenceSchema):
    code = colander.SchemaNode(colander.String())


class RecoveryCodes(MessageBody):
    recovery_codes = Codes(description="Single-use codes, shown only now.")
