"""Fixtures of the scanning tests: every plugin plus a probe recording the
``ticketing_ticket_scanned`` events."""
import pytest

from ticketing import hookimpl
from tests.conftest import ALL_PLUGINS
from tests.plugins.tickets.support import concert, issue  # noqa: F401


class ScanProbe:
    """A plugin recording the admissions it is told of: ``(token, scanned_by_id)``."""

    def __init__(self):
        self.scanned = []

    @hookimpl
    def ticketing_ticket_scanned(self, request, ticket, scan):
        self.scanned.append((ticket.token, scan.scanned_by_id))


PROBE = ScanProbe()


@pytest.fixture
def app(make_app):
    PROBE.scanned.clear()
    return make_app(plugins=ALL_PLUGINS + ("scan_probe",), plugin_modules={"scan_probe": PROBE})


@pytest.fixture
def probe():
    return PROBE
