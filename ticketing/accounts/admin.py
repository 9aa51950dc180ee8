"""Users administration (admin role): list, show, update, verify, create employees."""
import secrets

from sqlalchemy import func, or_, select

from ticketing.api import Service, response
from ticketing.db import utcnow
from ticketing.errors import APIError
from ticketing.i18n import _
from ticketing.models import User, UserRole
from ticketing.pagination import paginate
from ticketing.passwords import hash_password
from ticketing.security import Perm, revoke_tokens

from . import mails, twofa
from .schemas import CreateEmployee, ListUsers, UpdateUser, UserBody, UserPage, UserPath
from .users import email_taken, taken_error, user_json

TAGS = ["users"]
USER = {"200": response("The user", UserBody())}

users = Service(name="accounts.users", path="/api/users", description="Users (admin)")
user_item = Service(name="accounts.user", path=r"/api/users/{id:\d+}", description="A user (admin)")
verify_user = Service(name="accounts.user_verify", path=r"/api/users/email/{id:\d+}",
                      description="Mark a user's e-mail address verified (admin)")
employees = Service(name="accounts.employees", path="/api/users/employees",
                    description="Create employee accounts (admin)")


@users.get(schema=ListUsers(), permission=Perm.USERS_ADMIN, operation_id="list_users", tags=TAGS,
           response_schemas={"200": response("One page of users", UserPage())})
def list_users(request):
    """Filter by ``search`` (e-mail or name), ``role``, ``is_active`` and ``verified``."""
    query = request.validated["querystring"]
    statement = select(User).order_by(User.id)
    if query.get("search"):
        pattern = "%" + query["search"].lower().replace("\\", "\\\\").replace("%", "\\%") \
            .replace("_", "\\_") + "%"
        full_name = func.lower(User.first_name + " " + User.last_name)
        statement = statement.where(or_(func.lower(User.email).like(pattern, escape="\\"),
                                        full_name.like(pattern, escape="\\")))
    if "role" in query:
        statement = statement.where(User.role_rows.any(UserRole.role == query["role"]))
    if "is_active" in query:
        statement = statement.where(User.is_active.is_(query["is_active"]))
    if "verified" in query:
        verified = User.email_verified_at.is_not(None)
        statement = statement.where(verified if query["verified"] else ~verified)
    return paginate(request.dbsession, statement, query["page"], query["per_page"], user_json)


def _user(request):
    user = request.dbsession.get(User, request.validated["path"]["id"])
    if user is None:
        raise APIError(404, "user_not_found", _("This user does not exist."))
    return user


@user_item.get(schema=UserPath(), permission=Perm.USERS_ADMIN, operation_id="get_user",
               tags=TAGS, response_schemas=USER)
def get_user(request):
    """One user (admin)."""
    return user_json(_user(request))


def _lock_admin_roles(request):
    """Lock every admin role row: concurrent role changes run one after the other, so
    the check after the change sees what the other committed."""
    request.dbsession.execute(
        select(UserRole.user_id).where(UserRole.role == "admin").with_for_update()).all()


def _active_admins(request):
    return request.dbsession.execute(
        select(func.count()).select_from(User).where(
            User.is_active.is_(True), User.role_rows.any(UserRole.role == "admin"))
    ).scalar_one()


@user_item.patch(schema=UpdateUser(), permission=Perm.USERS_ADMIN, operation_id="update_user",
                 tags=TAGS, response_schemas=USER)
def update_user(request):
    """Change the name, language, roles, active state; ``twofa_enabled: false`` turns
    2FA off. The last active admin keeps the role, and nobody deactivates themselves;
    a deactivated user's sessions end at once."""
    _lock_admin_roles(request)
    user = _user(request)
    body = request.validated["body"]
    if body.get("is_active") is False and user is request.identity:
        raise APIError(409, "cannot_deactivate_self", _("You cannot deactivate your own account."))
    if "name" in body:
        first, _sep, last = body.pop("name").partition(" ")
        body["first_name"], body["last_name"] = first, last.strip()
    if body.pop("twofa_enabled", True) is False and user.twofa_enabled:
        twofa.disable(request.dbsession, user)
        mails.send_twofa_notice(request, user, enabled=False)
    for field, value in body.items():
        setattr(user, field, value)
    request.dbsession.flush()
    if not _active_admins(request):  # the change is rolled back with the error
        raise APIError(409, "last_admin", _("The last administrator keeps the admin role."))
    if not user.is_active:
        revoke_tokens(request.dbsession, user)
    return user_json(user)


@verify_user.get(schema=UserPath(), permission=Perm.USERS_ADMIN, operation_id="verify_user_email",
                 tags=TAGS, response_schemas=USER)
def verify_user_email(request):
    """Mark the e-mail address verified (for users whose link did not reach them)."""
    user = _user(request)
    if user.email_verified_at is None:
        user.email_verified_at = utcnow()
        request.dbsession.flush()
    return user_json(user)


@employees.post(schema=CreateEmployee(), permission=Perm.USERS_ADMIN,
                operation_id="create_employee", tags=TAGS,
                response_schemas={"201": response("The new employee", UserBody())})
def create_employee(request):
    """Create an employee account without a usable password; the employee receives a
    link to choose one (the password reset flow)."""
    body = request.validated["body"]
    if email_taken(request.dbsession, body["email"]):
        raise taken_error()
    user = User(password_hash=hash_password(request.registry, secrets.token_urlsafe(32)), **body)
    user.roles = ["employee"]
    request.dbsession.add(user)
    request.dbsession.flush()
    mails.send_employee_welcome(request, user)
    request.response.status_int = 201
    return user_json(user)
