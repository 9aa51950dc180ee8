"""The purchase story of ``make demo``, played by the same code (``scripts.demo.Story``)
against the app on a real port, with localstripe calling its webhook and real SMTP; the
documents it downloads are then read with independent tools."""
from scripts.demo import Story, verification_link
from tests.conftest import WEBHOOK_SECRET
from tests.support.documents import pdf_text
from tests.support.localstripe import register_webhook


def test_a_guest_buys_tickets_and_every_role_does_its_part(demo_data, live_server,
                                                            localstripe, mailbox, tmp_path):
    demo_data()
    register_webhook(localstripe.url, "purchase-story",
                     live_server.url + "/api/payments/webhook", WEBHOOK_SECRET)
    steps = []
    story = Story(live_server.url, localstripe.url,
                  lambda address: verification_link(mailbox.wait_for(1, to=address)[0]),
                  say=steps.append)

    story.run()

    assert steps[-1].startswith("sales report")
    product, ticket = story.results["product"], story.results["ticket"]
    assert product["name"] in pdf_text(story.results["ticket_pdf"], tmp_path)
    assert ticket["holder"] == "Dana Demo"
    assert product["final_price"] in pdf_text(story.results["refunded_invoice"], tmp_path)
