"""``make run``: the whole product on one machine, for development.

Migrates the database (SQLite under ``var/``), adds the demo data (accounts and whatever
each plugin's ``ticketing_demo_data`` hook adds, only what is missing), starts
localstripe where ``ticketing.stripe.api_base`` points with the app's webhook
registered, and serves the API with the ini file's server. Ctrl-C stops everything.

    python -m scripts.devserver development.ini
"""
import argparse
import signal
import sys
from pathlib import Path
from urllib.parse import urlsplit

import plaster
from alembic import command
from pyramid.paster import bootstrap, get_appsettings, setup_logging
from sqlalchemy import select

from scripts.demo_accounts import DEMO_ACCOUNTS, DEMO_PASSWORD
from tests.support.localstripe import register_webhook, start_localstripe
from ticketing.db import utcnow
from ticketing.migrations import alembic_config
from ticketing.models import User
from ticketing.passwords import hash_password

WEBHOOK_ID = "ticketing-dev"


def load_demo_data(request):
    """Create the demo accounts that are missing, then let every plugin add its rows.
    Call inside one transaction."""
    existing = set(request.dbsession.scalars(
        select(User.email).where(User.email.in_([row[0] for row in DEMO_ACCOUNTS]))))
    for email, role, first_name, last_name in DEMO_ACCOUNTS:
        if email in existing:
            continue
        user = User(email=email, first_name=first_name, last_name=last_name,
                    password_hash=hash_password(request.registry, DEMO_PASSWORD),
                    email_verified_at=utcnow())
        user.roles = [role]
        request.dbsession.add(user)
    request.dbsession.flush()
    request.hook.ticketing_demo_data(request=request)


def prepare_folders(settings):
    for name in ("ticketing.storage_dir", "mail.folder"):
        if settings.get(name):
            Path(settings[name]).mkdir(parents=True, exist_ok=True)
    database = settings["sqlalchemy.url"]
    if database.startswith("sqlite:///"):
        Path(database.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)


def start_stripe(settings):
    """localstripe on the port of ``ticketing.stripe.api_base``, sending every event to
    this app's webhook."""
    port = urlsplit(settings["ticketing.stripe.api_base"]).port
    stripe = start_localstripe(port=port)
    register_webhook(stripe.url, WEBHOOK_ID,
                     settings["ticketing.public_url"].rstrip("/") + "/api/payments/webhook",
                     settings["ticketing.stripe.webhook_secret"])
    return stripe


def announce(settings, stripe):
    print("\nDemo accounts (password %s):" % DEMO_PASSWORD)
    for email, role, _, _ in DEMO_ACCOUNTS:
        print(f"  {role:<9} {email}")
    api = settings["ticketing.public_url"].rstrip("/")
    print(f"\nAPI          {api}/api (documentation: {api}/api/docs)")
    print(f"localstripe  {stripe.url}")
    print(f"e-mails      {settings['mail.folder']}")
    print("Ctrl-C stops everything.\n", flush=True)


def main(argv=None):
    parser = argparse.ArgumentParser(prog="devserver", description=__doc__.split("\n")[0])
    parser.add_argument("config_uri", nargs="?", default="development.ini")
    args = parser.parse_args(argv)
    # Ctrl-C stops everything, even when started in the background (which ignores it)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))

    setup_logging(args.config_uri)
    settings = dict(get_appsettings(args.config_uri))
    prepare_folders(settings)
    command.upgrade(alembic_config(settings), "heads")
    env = bootstrap(args.config_uri)
    try:
        with env["request"].tm:
            load_demo_data(env["request"])
        stripe = start_stripe(settings)
        try:
            announce(settings, stripe)
            serve = plaster.get_loader(args.config_uri, protocols=["wsgi"]).get_wsgi_server()
            serve(env["app"])
        except KeyboardInterrupt:
            pass
        finally:
            stripe.stop()
    finally:
        env["closer"]()
        env["registry"]["db_engine"].dispose()


if __name__ == "__main__":
    sys.exit(main())
