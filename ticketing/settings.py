"""Typed settings: every setting is declared once, parsed at startup, and a bad or
missing value stops the application with a message naming it.

A value written ``env:NAME`` in the ini file is read from the environment variable
``NAME``; that is how secrets (Stripe keys, SMTP password, signing key) reach the app.
"""
import os
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any, Callable

from pyramid.exceptions import ConfigurationError

REQUIRED = object()


@dataclass(frozen=True)
class Setting:
    name: str
    parse: Callable[[str], Any]
    default: Any = REQUIRED
    doc: str = ""


def as_bool(value):
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("1", "true", "yes", "on"):
        return True
    if text in ("0", "false", "no", "off", ""):
        return False
    raise ValueError(f"expected true or false, got {value!r}")


def as_int(value):
    return int(str(value).strip())


def as_positive_int(value):
    number = as_int(value)
    if number <= 0:
        raise ValueError(f"expected a positive whole number, got {value!r}")
    return number


def as_decimal(value):
    try:
        return Decimal(str(value).strip())
    except InvalidOperation:
        raise ValueError(f"expected a decimal number, got {value!r}") from None


def as_list(value):
    if isinstance(value, (list, tuple)):
        return list(value)
    return str(value).replace(",", " ").split()


def as_str(value):
    return str(value).strip()


def as_url(value):
    text = as_str(value).rstrip("/")
    if not text.startswith(("http://", "https://")):
        raise ValueError(f"expected an http(s) URL, got {value!r}")
    return text


CORE_SETTINGS = [
    Setting("sqlalchemy.url", as_str, doc="Database URL (SQLite or PostgreSQL)."),
    Setting("ticketing.plugins", as_list, [], "Plugins to enable, by entry point name."),
    Setting("ticketing.frontend_url", as_url, doc="Base URL of the shop's front end."),
    Setting("ticketing.public_url", as_url, "http://127.0.0.1:6543",
            "Base URL under which this API is reachable (links in e-mails)."),
    Setting("ticketing.secret", as_str, doc="Signing key for e-mail links (keep secret)."),
    Setting("ticketing.currency", lambda v: as_str(v).upper(), "EUR", "ISO currency code."),
    Setting("ticketing.storage_dir", as_str, "var/files", "Folder of generated files."),
    Setting("ticketing.max_body_bytes", as_positive_int, 1_048_576, "Largest request body."),
    Setting("ticketing.cors_origins", as_list, [], "Origins allowed to call the API."),
    Setting("ticketing.shop_name", as_str, "Ticketing", "Name shown in e-mails and PDFs."),
    Setting("ticketing.token_hours", as_positive_int, 12, "Lifetime of a login token."),
    Setting("ticketing.remember_days", as_positive_int, 7, "Lifetime with remember me."),
    Setting("ticketing.password_min_length", as_positive_int, 10, "Shortest password."),
    Setting("ticketing.throttle.max_failures", as_positive_int, 5,
            "Failed attempts allowed per account in a window."),
    Setting("ticketing.throttle.max_per_address", as_positive_int, 20,
            "Failed attempts allowed per client address in a window (shared by NAT)."),
    Setting("ticketing.throttle.window_seconds", as_positive_int, 900,
            "Length of the throttling window."),
    Setting("ticketing.link_hours", as_positive_int, 24, "Lifetime of e-mail links."),
    Setting("ticketing.reset_minutes", as_positive_int, 60, "Lifetime of reset links."),
    Setting("ticketing.cancel_days", as_positive_int, 7,
            "Lifetime of the link that cancels an e-mail change (sent to the old address)."),
    Setting("ticketing.argon2.time_cost", as_positive_int, 3, "Argon2 iterations."),
    Setting("ticketing.argon2.memory_cost", as_positive_int, 65536, "Argon2 memory in KiB."),
    Setting("ticketing.argon2.parallelism", as_positive_int, 2, "Argon2 lanes."),
    Setting("mail.default_sender", as_str, "shop@example.com", "From address of e-mails."),
    Setting("mail.folder", as_str, "", "Write e-mails as files here instead of SMTP."),
    Setting("celery.broker_url", as_str, "memory://", "Celery broker URL."),
    Setting("celery.always_eager", as_bool, True, "Run tasks in-process (development)."),
    Setting("celery.queue", as_str, "ticketing", "Queue the tasks are sent to."),
]


def resolve_env(name, value):
    if isinstance(value, str) and value.startswith("env:"):
        variable = value[4:].strip()
        if variable not in os.environ:
            raise ConfigurationError(
                f"Setting {name!r} reads environment variable {variable}, which is not set"
            )
        return os.environ[variable]
    return value


def parse_settings(raw, declared):
    """Return a copy of ``raw`` with every declared setting parsed; collect all errors."""
    settings = {key: resolve_env(key, value) for key, value in raw.items()}
    problems = []
    for setting in declared:
        if setting.name not in settings or settings[setting.name] in (None, ""):
            if setting.default is REQUIRED:
                problems.append(f"{setting.name}: missing ({setting.doc})")
                continue
            settings[setting.name] = setting.default
            continue
        try:
            settings[setting.name] = setting.parse(settings[setting.name])
        except (ValueError, TypeError) as error:
            problems.append(f"{setting.name}: {error}")
    if problems:
        raise ConfigurationError("Invalid settings:\n  " + "\n  ".join(problems))
    return settings
