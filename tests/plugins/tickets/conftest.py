"""Fixtures of the tickets tests (the app with every plugin is the default ``app``)."""
from tests.plugins.tickets.support import concert, issue  # noqa: F401
