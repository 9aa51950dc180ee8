"""Accounts: registration, login, tokens, 2FA, password and e-mail flows, users admin."""
from . import models  # noqa: F401  (tables join the metadata on import)


def includeme(config):
    config.scan(".views")
    config.scan(".admin")
