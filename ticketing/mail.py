"""E-mail: rendered in the recipient's locale, stored in an outbox in the request's
transaction, and sent by a task after commit. SMTP failures are retried with backoff,
and a periodic sweep re-sends whatever is still unsent: no message is lost."""
import email.policy
import json
import logging
from datetime import timedelta
from email.utils import make_msgid
from pathlib import Path

from pyramid_mailer import mailer_factory_from_settings
from pyramid_mailer.message import Attachment as MailAttachment
from pyramid_mailer.message import Message
from sqlalchemy import Integer, String, Text, select
from sqlalchemy.orm import Mapped, mapped_column

from .db import Base, UTCDateTime, utcnow
from .i18n import localizer_for
from .tasks import after_commit, celery_app, schedule, task_request
from .templating import render

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 10


class OutboxMessage(Base):
    __tablename__ = "mail_outbox"

    id: Mapped[int] = mapped_column(primary_key=True)
    recipient: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(255))
    text_body: Mapped[str] = mapped_column(Text)
    html_body: Mapped[str] = mapped_column(Text)
    attachments: Mapped[str] = mapped_column(Text, default="[]")  # JSON list
    created_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    sent_at = mapped_column(UTCDateTime, nullable=True, index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text, nullable=True)


def queue_mail(request, recipient, subject, template, locale, attachments=(), **context):
    """Render ``template`` (``"pkg:templates/mail/name"`` → ``name.txt`` and
    ``name.html``) and ``subject`` (a translation string) in ``locale``, store the
    message, and send it after commit. ``attachments``: :class:`Attachment` objects."""
    registry = request.registry
    context.setdefault("shop_name", registry.settings["ticketing.shop_name"])
    message = OutboxMessage(
        recipient=recipient,
        subject=localizer_for(registry, locale).translate(subject),
        text_body=render(registry, template + ".txt", locale, **context),
        html_body=render(registry, template + ".html", locale, **context),
        attachments=json.dumps([
            {"filename": a.filename, "content_type": a.content_type, "stored_name": a.stored_name}
            for a in attachments
        ]),
    )
    request.dbsession.add(message)
    request.dbsession.flush()
    after_commit(request, send_mail, message.id)
    return message


def build_message(registry, row):
    message = Message(
        subject=row.subject,
        sender=registry.settings["mail.default_sender"],
        recipients=[row.recipient],
        body=row.text_body,
        html=row.html_body,
        extra_headers={"Message-ID": make_msgid(domain="ticketing")},
    )
    storage = registry["storage"]
    for item in json.loads(row.attachments):
        message.attach(MailAttachment(
            item["filename"], item["content_type"], storage.read(item["stored_name"])
        ))
    return message


def deliver(registry, message):
    folder = registry.settings["mail.folder"]
    if folder:  # development: one RFC 822 file per message
        path = Path(folder)
        path.mkdir(parents=True, exist_ok=True)
        name = f"{utcnow():%Y%m%dT%H%M%S%f}-{message.recipients[0]}.eml"
        (path / name).write_bytes(message.to_message().as_bytes())
        return
    mime = message.to_message()
    # SMTP wants CRLF line ends; the default "\n" makes a server read one huge line
    mime.policy = email.policy.compat32.clone(linesep="\r\n")
    mailer = registry["ticketing.mailer"]
    mailer.smtp_mailer.send(message.sender, message.send_to, mime)


@celery_app.task(name="ticketing.send_mail", bind=True, max_retries=MAX_ATTEMPTS)
def send_mail(self, message_id):
    with task_request() as request:
        row = request.dbsession.get(OutboxMessage, message_id, with_for_update=True)
        if row is None or row.sent_at is not None:
            return
        try:
            deliver(request.registry, build_message(request.registry, row))
        except Exception as error:  # SMTP down, refused, timeout: retry later
            row.attempts += 1
            row.last_error = repr(error)[:2000]
            log.warning("mail %s not sent (attempt %s): %r", message_id, row.attempts, error)
            retry = error
        else:
            row.sent_at = utcnow()
            # the bodies carry one-time links (reset, verification): keep them no longer
            row.text_body = row.html_body = ""
            return
    raise self.retry(exc=retry, countdown=min(600, 2 ** self.request.retries * 5))


@celery_app.task(name="ticketing.resend_unsent_mail")
def resend_unsent_mail():
    """Periodic sweep: enqueue messages that are still unsent a minute after creation
    (their task was lost with the broker, or ran out of retries)."""
    with task_request() as request:
        ids = request.dbsession.execute(
            select(OutboxMessage.id).where(
                OutboxMessage.sent_at.is_(None),
                OutboxMessage.created_at < utcnow() - timedelta(minutes=1),
            ).limit(500)
        ).scalars().all()
    for message_id in ids:
        send_mail.delay(message_id)
    return len(ids)


schedule("resend-unsent-mail", resend_unsent_mail, 300)


def includeme(config):
    config.registry["ticketing.mailer"] = mailer_factory_from_settings(config.get_settings())
