"""The account e-mails, each in the recipient's locale, sent once the transaction
commits. Links carry single-use tokens from :mod:`.links`."""
from datetime import timedelta
from urllib.parse import quote, urlencode

from ticketing.i18n import _
from ticketing.mail import queue_mail

from . import links
from .models import CANCEL_EMAIL_CHANGE, CHANGE_EMAIL, RESET_PASSWORD, VERIFY_EMAIL

TEMPLATES = "ticketing:templates/mail/"


def _settings(request):
    return request.registry.settings


def _hours(request):
    return timedelta(hours=_settings(request)["ticketing.link_hours"])


def _send(request, user, subject, name, recipient=None, **context):
    queue_mail(request, recipient or user.email, subject, TEMPLATES + name, user.locale,
               user=user, **context)


def send_verification(request, user):
    token = links.issue(request.dbsession, user, VERIFY_EMAIL, _hours(request))
    url = f"{_settings(request)['ticketing.public_url']}/api/auth/email/{user.id}/{token}"
    _send(request, user, _("Verify your e-mail address"), "verify_email", url=url,
          hours=_settings(request)["ticketing.link_hours"])


def reset_url(request, user, lifetime):
    """A link to the front end's reset page with a new reset token."""
    token = links.issue(request.dbsession, user, RESET_PASSWORD, lifetime)
    query = urlencode({"token": token, "email": user.email, "locale": user.locale})
    return f"{_settings(request)['ticketing.frontend_url']}/password-reset?{query}"


def send_reset(request, user):
    minutes = _settings(request)["ticketing.reset_minutes"]
    url = reset_url(request, user, timedelta(minutes=minutes))
    _send(request, user, _("Reset your password"), "reset_password", url=url, minutes=minutes)


def send_employee_welcome(request, user):
    """The invitation of a new employee: a reset link valid as long as other e-mail links."""
    url = reset_url(request, user, _hours(request))
    _send(request, user, _("Your employee account"), "employee_welcome", url=url,
          hours=_settings(request)["ticketing.link_hours"])


def send_email_change(request, user, new_email):
    """A verification link to the new address and a cancel link to the current one."""
    settings = _settings(request)
    base = settings["ticketing.public_url"] + "/api/auth/email"
    token = links.issue(request.dbsession, user, CHANGE_EMAIL, _hours(request), payload=new_email)
    verify_url = f"{base}/change/verify?" + urlencode({"token": token, "old_email": user.email})
    cancel = links.issue(request.dbsession, user, CANCEL_EMAIL_CHANGE,
                         timedelta(days=settings["ticketing.cancel_days"]), payload=user.email)
    cancel_url = f"{base}/cancel/{cancel}/{quote(user.email, safe='')}"
    _send(request, user, _("Confirm your new e-mail address"), "email_change_verify",
          recipient=new_email, url=verify_url, new_email=new_email,
          hours=settings["ticketing.link_hours"])
    _send(request, user, _("Your e-mail address is being changed"), "email_change_cancel",
          url=cancel_url, new_email=new_email, days=settings["ticketing.cancel_days"])


def send_twofa_notice(request, user, enabled):
    if enabled:
        _send(request, user, _("Two-factor authentication is on"), "twofa_enabled")
    else:
        _send(request, user, _("Two-factor authentication is off"), "twofa_disabled")
