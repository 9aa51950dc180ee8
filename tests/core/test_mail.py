"""Mail goes through the outbox: sent after commit over real SMTP, never on abort, and
kept and retried while SMTP is down."""
from sqlalchemy import select

from ticketing.mail import OutboxMessage, queue_mail, resend_unsent_mail
from ticketing.tasks import task_request
from ticketing.i18n import _


def queue_test_mail(recipient, locale="en"):
    with task_request() as request:
        queue_mail(request, recipient, _("Not found."), "tests.core:templates/hello", locale,
                   name="<b>Ada</b>")


def test_sent_after_commit_with_text_and_escaped_html(app, mailbox):
    queue_test_mail("ada@example.com", locale="de")
    (message,) = mailbox.wait_for(1, to="ada@example.com")
    assert message["Subject"] == "Nicht gefunden."
    assert message["From"] == "shop@example.com"
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert "Hello <b>Ada</b>" in text
    assert "Hello &lt;b&gt;Ada&lt;/b&gt;" in html


def test_nothing_is_sent_when_the_transaction_aborts(app, mailbox, db):
    try:
        with task_request() as request:
            queue_mail(request, "abort@example.com", _("Not found."), "tests.core:templates/hello",
                       "en", name="x")
            raise RuntimeError("rollback")
    except RuntimeError:
        pass
    assert db.scalars(select(OutboxMessage)).all() == []
    assert mailbox.messages == []


def test_smtp_down_keeps_the_message_and_the_sweep_delivers_it(make_app, app_settings,
                                                               mailbox, db):
    make_app(**{"mail.port": "1"})  # nothing listens there
    queue_test_mail("later@example.com")
    row = db.scalars(select(OutboxMessage)).one()
    assert row.sent_at is None and row.attempts > 0 and "Connection refused" in row.last_error
    assert mailbox.messages == []

    make_app()  # SMTP is back
    row.created_at = row.created_at.replace(year=row.created_at.year - 1)
    db.commit()
    assert resend_unsent_mail.apply().get() == 1
    mailbox.wait_for(1, to="later@example.com")
    db.refresh(row)
    assert row.sent_at is not None
