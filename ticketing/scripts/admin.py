"""``ticketing-admin``: account chores from the command line.

    ticketing-admin production.ini create-admin --email boss@example.com
    (the password is asked for twice unless --password is given)
"""
import argparse
import getpass
import sys

import colander
from pyramid.paster import bootstrap, setup_logging

from ticketing.accounts.schemas import password_policy
from ticketing.accounts.users import find_by_email
from ticketing.db import utcnow
from ticketing.models import User
from ticketing.passwords import hash_password


def ask_password():
    password = getpass.getpass("Password: ")
    if password != getpass.getpass("Repeat: "):
        raise SystemExit("The passwords do not match.")
    return password


def check_password(request, password):
    """Apply the password policy of registrations; exit with its message if it fails."""
    node = colander.SchemaNode(colander.String(), name="password",
                               validator=password_policy).bind(request=request)
    try:
        node.deserialize(password)
    except colander.Invalid as invalid:
        messages = invalid.asdict(translate=request.localizer.translate).values()
        raise SystemExit("Password refused: " + "; ".join(messages)) from None


def create_admin(request, email, password, first_name, last_name):
    """Create a verified admin; refuse an address already in use."""
    email = email.strip().lower()
    if find_by_email(request.dbsession, email) is not None:
        raise SystemExit(f"An account with {email} exists already.")
    user = User(email=email, password_hash=hash_password(request.registry, password),
                first_name=first_name, last_name=last_name, email_verified_at=utcnow())
    user.roles = ["admin"]
    request.dbsession.add(user)
    request.dbsession.flush()
    return user


def main(argv=None):
    parser = argparse.ArgumentParser(prog="ticketing-admin", description=__doc__.split("\n")[0])
    parser.add_argument("config_uri", help="the ini file, e.g. production.ini")
    sub = parser.add_subparsers(dest="command", required=True)
    create = sub.add_parser("create-admin", help="create a verified administrator")
    create.add_argument("--email", required=True)
    create.add_argument("--password", help="asked for when not given (safer: not in history)")
    create.add_argument("--first-name", default="Admin")
    create.add_argument("--last-name", default="")
    args = parser.parse_args(argv)

    setup_logging(args.config_uri)
    with bootstrap(args.config_uri) as env:
        request = env["request"]
        try:
            password = args.password if args.password is not None else ask_password()
            check_password(request, password)
            with request.tm:
                user = create_admin(request, args.email, password, args.first_name,
                                    args.last_name)
        finally:
            env["registry"]["db_engine"].dispose()
        print(f"Created admin {user.email} (id {user.id}).")


if __name__ == "__main__":
    sys.exit(main())
