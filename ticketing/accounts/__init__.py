"""Accounts: registration, login, tokens, 2FA, password and e-mail flows, users admin."""


def includeme(config):
    config.scan(".views")
