"""Fixtures of the scanning tests."""
from tests.plugins.tickets.support import app, issue, tickets_app  # noqa: F401
