"""With the tickets plugin on, the one order e-mail carries the invoice and the tickets."""
from tests.conftest import ALL_PLUGINS

from .helpers import pay


def test_the_order_email_attaches_invoice_and_tickets(make_app, auth, customer, product,
                                                      localstripe, mailbox):
    app = make_app(ALL_PLUGINS)

    pay(app, localstripe, auth(customer), product, 2)

    (message,) = mailbox.wait_for(1, to=customer.email)
    attachments = [part.get_content_type() for part in message.iter_attachments()]
    assert attachments.count("application/pdf") == 3  # the invoice and two tickets
