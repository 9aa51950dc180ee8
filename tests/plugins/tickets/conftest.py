"""Fixtures of the tickets tests."""
from tests.plugins.tickets.support import app, issue, tickets_app  # noqa: F401
