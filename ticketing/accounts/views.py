"""Account endpoints of the user: registration, e-mail links, login and logout, 2FA,
passwords, the profile and e-mail changes."""
from sqlalchemy import delete

from ticketing.api import Service, response
from ticketing.db import mark_changed, utcnow
from ticketing.errors import APIError
from ticketing.i18n import _
from ticketing.models import AuthToken, User
from ticketing.passwords import hash_password, verify_password
from ticketing.security import Perm, issue_token, revoke_tokens, token_lifetime

from . import links, mails, throttle, twofa
from .models import CANCEL_EMAIL_CHANGE, CHANGE_EMAIL, RESET_PASSWORD, VERIFY_EMAIL
from .schemas import (ChangeEmail, ChangePassword, Code, EmailOnly, Login, LoginResult,
                      MessageBody, MessageUserBody, Profile, RecoveryCodes, Register, Reset,
                      TwofaSetup, UserBody)
from .users import (check_current_password, email_taken, find_by_email, message,
                    result_page, set_password, taken_error, user_json)

TAGS = ["auth"]
REDIRECT = {"302": response("Redirect to <frontend_url>/verification-result/<outcome>")}


def _ok(description, body=MessageBody):
    return {"200": response(description, body())}


# -- registration and e-mail verification ------------------------------------------------

register = Service(name="accounts.register", path="/api/auth/register",
                   description="Create a customer account")


@register.post(schema=Register(), operation_id="register", tags=TAGS,
               response_schemas={"201": response("Registered; verification e-mail sent",
                                                 MessageUserBody())})
def register_user(request):
    """Create a customer account and send the verification e-mail."""
    body = request.validated["body"]
    if email_taken(request.dbsession, body["email"]):
        raise taken_error()
    user = User(email=body["email"], password_hash=hash_password(request.registry, body["password"]),
                first_name=body["first_name"], last_name=body["last_name"],
                locale=body.get("locale", request.locale_name))
    user.roles = ["customer"]
    request.dbsession.add(user)
    request.dbsession.flush()
    mails.send_verification(request, user)
    request.response.status_int = 201
    return message(request, _("Registered. Please confirm your e-mail address with the link we sent."),
                   user=user_json(user))


verify_email = Service(name="accounts.verify_email", path=r"/api/auth/email/{id:\d+}/{hash}",
                       description="E-mail verification link")


@verify_email.get(operation_id="verify_email", tags=TAGS, response_schemas=REDIRECT)
def follow_verification_link(request):
    """Verify the address and redirect to the front end's result page."""
    row, outcome = links.find(request.dbsession, VERIFY_EMAIL, request.matchdict["hash"])
    if row is not None and str(row.user_id) != request.matchdict["id"]:
        outcome = links.INVALID
    elif outcome == links.SUCCESS:
        if row.user.email_verified_at is not None:
            outcome = links.ALREADY_USED
        elif links.use(request.dbsession, row):
            row.user.email_verified_at = utcnow()
        else:
            outcome = links.ALREADY_USED
    return result_page(request, outcome)


def _counted_lookup(request, scope):
    """Count the attempt (throttled), then return the active user of the body's e-mail
    or ``None``; callers answer the same either way, revealing no account."""
    email = request.validated["body"]["email"]
    throttle.check(request, scope, email)
    throttle.record(request, scope, email)
    user = find_by_email(request.dbsession, email)
    return user if user is not None and user.is_active else None


resend = Service(name="accounts.resend", path="/api/auth/email/resend",
                 description="Send the verification e-mail again")


@resend.post(schema=EmailOnly(), operation_id="resend_verification", tags=TAGS,
             response_schemas=_ok("Sent if the address belongs to an unverified account"))
def resend_verification(request):
    """Always answers 200, so that it reveals no account; throttled."""
    user = _counted_lookup(request, "resend")
    if user is not None and user.email_verified_at is None:
        mails.send_verification(request, user)
    return message(request, _("If this address belongs to an unverified account, "
                              "we sent a new verification link."))


# -- login and logout --------------------------------------------------------------------

login = Service(name="accounts.login", path="/api/auth/login", description="Log in")


def _dummy_hash(registry):
    """A hash to verify against when the account does not exist, so that the answer
    takes as long as for a wrong password."""
    if "ticketing.dummy_hash" not in registry:
        registry["ticketing.dummy_hash"] = hash_password(registry, "no such account")
    return registry["ticketing.dummy_hash"]


@login.post(schema=Login(), operation_id="login", tags=TAGS,
            response_schemas=_ok("Logged in; the bearer token", LoginResult))
def log_in(request):
    """Check the password (and the 2FA code), issue a token of 12 hours or 7 days."""
    body = request.validated["body"]
    email = body["email"]
    throttle.check(request, "login", email)
    user = find_by_email(request.dbsession, email)
    password_hash = user.password_hash if user is not None else _dummy_hash(request.registry)
    if not verify_password(request.registry, password_hash, body["password"]) or user is None:
        throttle.record(request, "login", email)
        raise APIError(401, "invalid_credentials", _("The e-mail address or the password is wrong."))
    if not user.is_active:
        raise APIError(403, "account_inactive", _("This account is deactivated."))
    if user.email_verified_at is None:
        raise APIError(403, "email_not_verified", _("Please confirm your e-mail address first."))
    if user.twofa_enabled:
        if not body["twofa_code"]:
            raise APIError(400, "twofa_required", _("Two-factor authentication code is required"))
        if not twofa.verify(request.dbsession, user, body["twofa_code"]):
            throttle.record(request, "login", email)
            raise APIError(400, "twofa_invalid", _("The two-factor authentication code is wrong."))
    throttle.clear(request, "login", email)
    token = issue_token(request.dbsession, user, token_lifetime(request.registry.settings,
                                                                body["remember"]))
    request.hook.ticketing_user_logged_in(request=request, user=user,
                                          guest_cart_id=request.headers.get("X-Guest-Cart-ID"))
    return {"message": request.localizer.translate(_("Logged in successfully")), "token": token,
            "user": user_json(user), "twofa_enabled": user.twofa_enabled}


logout = Service(name="accounts.logout", path="/api/auth/logout", description="Log out")


@logout.post(permission=Perm.AUTHENTICATED, operation_id="logout", tags=TAGS,
             response_schemas=_ok("The token no longer works"))
def log_out(request):
    """Revoke the token of this request."""
    request.dbsession.execute(delete(AuthToken).where(AuthToken.digest == request.token_digest))
    mark_changed(request.dbsession)
    return message(request, _("Logged out successfully"))


# -- two-factor authentication -----------------------------------------------------------

twofa_enable = Service(name="accounts.twofa_enable", path="/api/auth/2fa/enable",
                       description="Start setting up 2FA")
twofa_confirm = Service(name="accounts.twofa_confirm", path="/api/auth/2fa/confirm",
                        description="Finish setting up 2FA")
twofa_disable = Service(name="accounts.twofa_disable", path="/api/auth/2fa/disable",
                        description="Turn 2FA off")


def _twofa_code_checked(request, user, accepted):
    """Throttle 2FA codes per account and address; raise ``twofa_invalid`` unless
    ``accepted()`` is true."""
    throttle.check(request, "twofa", user.email)
    if not accepted():
        throttle.record(request, "twofa", user.email)
        raise APIError(400, "twofa_invalid", _("The two-factor authentication code is wrong."))


@twofa_enable.post(permission=Perm.AUTHENTICATED, operation_id="enable_twofa", tags=TAGS,
                   response_schemas=_ok("A pending secret, valid 10 minutes", TwofaSetup))
def enable_twofa(request):
    """Create a pending secret; show it as a QR code of its ``otpauth://`` URI."""
    user = request.identity
    if user.twofa_enabled:
        raise APIError(409, "twofa_already_enabled", _("Two-factor authentication is already on."))
    secret = twofa.start(user)
    uri = twofa.provisioning_uri(secret, user, request.registry.settings["ticketing.shop_name"])
    return {"qr_code_url": twofa.qr_data_url(uri), "secret": secret,
            "expires_at": user.twofa_pending_until.isoformat()}


@twofa_confirm.post(schema=Code(), permission=Perm.AUTHENTICATED, operation_id="confirm_twofa",
                    tags=TAGS, response_schemas=_ok("2FA is on; the recovery codes", RecoveryCodes))
def confirm_twofa(request):
    """Turn 2FA on with a code of the pending secret; return the recovery codes once."""
    user = request.identity
    if user.twofa_enabled:
        raise APIError(409, "twofa_already_enabled", _("Two-factor authentication is already on."))
    if user.twofa_pending_secret is None or user.twofa_pending_until <= utcnow():
        raise APIError(409, "twofa_setup_expired",
                       _("The setup has expired. Please start again."))
    step = twofa.matching_step(user.twofa_pending_secret, request.validated["body"]["code"])
    _twofa_code_checked(request, user, lambda: step is not None)
    user.twofa_secret, user.twofa_enabled = user.twofa_pending_secret, True
    user.twofa_pending_secret = user.twofa_pending_until = None
    user.twofa_last_step = step
    codes = twofa.new_recovery_codes(request.dbsession, user)
    mails.send_twofa_notice(request, user, enabled=True)
    return message(request, _("Two-factor authentication is on."), recovery_codes=codes)


@twofa_disable.post(schema=Code(), permission=Perm.AUTHENTICATED, operation_id="disable_twofa",
                    tags=TAGS, response_schemas=_ok("2FA is off"))
def disable_twofa(request):
    """Turn 2FA off with a TOTP code or a recovery code."""
    user = request.identity
    if not user.twofa_enabled:
        raise APIError(409, "twofa_not_enabled", _("Two-factor authentication is not on."))
    _twofa_code_checked(request, user, lambda: twofa.verify(
        request.dbsession, user, request.validated["body"]["code"]))
    twofa.disable(request.dbsession, user)
    mails.send_twofa_notice(request, user, enabled=False)
    return message(request, _("Two-factor authentication is off."))


# -- passwords ---------------------------------------------------------------------------

forgot = Service(name="accounts.password_forgot", path="/api/auth/password/forgot",
                 description="Ask for a password reset link")
reset = Service(name="accounts.password_reset", path="/api/auth/password/reset",
                description="Choose a new password with a reset token")
change_password = Service(name="accounts.password", path="/api/auth/password",
                          description="Change the password")


@forgot.post(schema=EmailOnly(), operation_id="forgot_password", tags=TAGS,
             response_schemas=_ok("Sent if the account exists"))
def forgot_password(request):
    """Always answers 200, so that it reveals no account; throttled."""
    user = _counted_lookup(request, "forgot")
    if user is not None:
        mails.send_reset(request, user)
    return message(request, _("If an account uses this address, we sent it a link to reset "
                              "the password."))


@reset.post(schema=Reset(), operation_id="reset_password", tags=TAGS,
            response_schemas=_ok("Password changed; every session signed out"))
def reset_password(request):
    """Set the password with a reset token; the token and older reset links stop working,
    every session is signed out, and the address counts as verified (the link proved it)."""
    body = request.validated["body"]
    row, outcome = links.find(request.dbsession, RESET_PASSWORD, body["token"])
    if (outcome != links.SUCCESS or row.user.email.lower() != body["email"]
            or not row.user.is_active or not links.use(request.dbsession, row)):
        raise APIError(400, "invalid_reset_token",
                       _("This reset link is invalid or has expired. Please ask for a new one."))
    user = row.user
    set_password(request, user, body["password"])
    links.discard(request.dbsession, user, RESET_PASSWORD)
    if user.email_verified_at is None:
        user.email_verified_at = utcnow()
    return message(request, _("Your password was changed. Please log in."))


@change_password.post(schema=ChangePassword(), permission=Perm.AUTHENTICATED,
                      operation_id="change_password", tags=TAGS,
                      response_schemas=_ok("Password changed; other sessions signed out"))
def change_own_password(request):
    """Change the password; every other session is signed out."""
    body = request.validated["body"]
    user = request.identity
    check_current_password(request, user, body["current_password"])
    set_password(request, user, body["password"], keep_digest=request.token_digest)
    return message(request, _("Your password was changed."))


# -- profile and e-mail changes ----------------------------------------------------------

me = Service(name="accounts.me", path="/api/users/me", description="The logged-in user")


@me.get(permission=Perm.AUTHENTICATED, operation_id="get_me", tags=TAGS,
        response_schemas={"200": response("The user", UserBody())})
def get_me(request):
    """The logged-in user, with ``twofa_enabled``."""
    return user_json(request.identity)


@me.patch(schema=Profile(), permission=Perm.AUTHENTICATED, operation_id="update_me", tags=TAGS,
          response_schemas={"200": response("The updated user", UserBody())})
def update_me(request):
    """Change the name or the language of e-mails."""
    user = request.identity
    for field, value in request.validated["body"].items():
        setattr(user, field, value)
    request.dbsession.flush()
    return user_json(user)


change_email = Service(name="accounts.email", path="/api/auth/email",
                       description="Change the e-mail address")
change_email_verify = Service(name="accounts.email_change_verify",
                              path="/api/auth/email/change/verify",
                              description="Link confirming a new e-mail address")
change_email_cancel = Service(name="accounts.email_change_cancel",
                              path="/api/auth/email/cancel/{token}/{old_email:.+}",
                              description="Link cancelling an e-mail change")


@change_email.patch(schema=ChangeEmail(), permission=Perm.AUTHENTICATED,
                    operation_id="change_email", tags=TAGS,
                    response_schemas=_ok("Links sent to the new and the current address"))
def request_email_change(request):
    """Send a verification link to the new address and a cancel link to the current one;
    the new address takes effect once verified."""
    body = request.validated["body"]
    user = request.identity
    check_current_password(request, user, body["current_password"])
    if body["email"] == user.email.lower():
        raise APIError(422, errors={"email": [_("This is already your e-mail address.")]})
    if email_taken(request.dbsession, body["email"]):
        raise taken_error()
    mails.send_email_change(request, user, body["email"])
    return message(request, _("We sent a confirmation link to the new address. "
                              "It takes effect once you confirm it."))


@change_email_verify.get(operation_id="verify_email_change", tags=TAGS, response_schemas=REDIRECT)
def follow_email_change_link(request):
    """Switch to the new address (now verified) and redirect to the result page."""
    row, outcome = links.find(request.dbsession, CHANGE_EMAIL, request.GET.get("token"))
    old_email = request.GET.get("old_email", "").lower()
    if row is not None and outcome == links.SUCCESS:
        user = row.user
        if user.email.lower() != old_email:
            outcome = links.INVALID
        elif email_taken(request.dbsession, row.payload, user):
            outcome = links.ERROR
        elif links.use(request.dbsession, row):
            user.email, user.email_verified_at = row.payload, utcnow()
        else:
            outcome = links.ALREADY_USED
    return result_page(request, outcome)


@change_email_cancel.get(operation_id="cancel_email_change", tags=TAGS, response_schemas=REDIRECT)
def follow_cancel_link(request):
    """Cancel a pending change, or restore the old address if the change happened; the
    account may be in other hands, so every session is signed out."""
    row, outcome = links.find(request.dbsession, CANCEL_EMAIL_CHANGE, request.matchdict["token"])
    if row is not None and outcome == links.SUCCESS:
        user = row.user
        if row.payload != request.matchdict["old_email"].lower():
            outcome = links.INVALID
        elif email_taken(request.dbsession, row.payload, user):
            outcome = links.ERROR
        elif links.use(request.dbsession, row):
            links.discard(request.dbsession, user, CHANGE_EMAIL)
            if user.email != row.payload:
                user.email, user.email_verified_at = row.payload, utcnow()
            revoke_tokens(request.dbsession, user)
        else:
            outcome = links.ALREADY_USED
    return result_page(request, outcome)
