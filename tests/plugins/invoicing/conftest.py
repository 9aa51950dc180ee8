"""The fixtures of the payments tests: invoices need paid payments."""
from tests.plugins.payments.conftest import admin, app, customer, product  # noqa: F401
