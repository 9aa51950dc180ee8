"""Issuing tickets for paid payments (token, QR PNG, PDF), and the conditional status
updates that the gate and the admins may race on."""
import base64
import io
import uuid
from zoneinfo import ZoneInfo

import qrcode
from babel.dates import format_date, format_time
from pyramid.i18n import TranslationStringFactory
from sqlalchemy import bindparam, select, update

from ticketing.db import mark_changed, utcnow
from ticketing.errors import APIError
from ticketing.interfaces import Attachment, TicketInfo
from ticketing.models import User, display_name
from ticketing.pdf import render_pdf
from ticketing.templating import render

from .models import TRANSITIONS, StatusChange, Ticket, event_name

_ = TranslationStringFactory("ticketing_tickets")

TEMPLATE = "ticketing_tickets:templates/ticket.html"
STYLESHEET = "ticketing_tickets:templates/ticket.css"


def parse_token(text):
    """The UUID in ``text``, or ``None`` when it is not one."""
    try:
        return uuid.UUID(str(text))
    except ValueError:
        return None


def qr_png(text):
    """The QR code of ``text`` as a greyscale PNG: WeasyPrint embeds its pixels as they
    are, where a bilevel one is converted to RGB and encoded again (a sixth of the
    ticket PDF's render)."""
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, box_size=8, border=4)
    code.add_data(text)
    buffer = io.BytesIO()
    code.make_image().get_image().convert("L").save(buffer, format="PNG")
    return buffer.getvalue()


def event_moment(ticket):
    """``(date, time)`` of the event in its own time zone, worded in the ticket's locale."""
    if ticket.starts_at is None:
        return "", ""
    local = ticket.starts_at.astimezone(ZoneInfo(ticket.timezone))
    return (format_date(local, format="full", locale=ticket.locale),
            format_time(local, format="short", locale=ticket.locale))


def ticket_pdf(registry, ticket, qr):
    date, time = event_moment(ticket)
    html = render(
        registry, TEMPLATE, ticket.locale,
        shop_name=registry.settings["ticketing.shop_name"],
        event_name=ticket.event_name(ticket.locale), date=date, time=time,
        timezone=ticket.timezone, venue=ticket.venue, holder=ticket.holder,
        token=str(ticket.token),
        qr_url="data:image/png;base64," + base64.b64encode(qr).decode("ascii"),
    )
    return render_pdf(html, STYLESHEET)


def new_ticket(request, payment, line, number, product):
    """A ticket for unit ``number`` of ``line``, its QR code and PDF stored."""
    locale = payment.locale
    ticket = Ticket(
        token=uuid.uuid4(), status="issued", user_id=payment.user_id, payment_id=payment.id,
        payment_uuid=str(payment.uuid), product_id=line.product_id, number=number,
        locale=locale, holder=payment.user.name or payment.user.email,
        event_names=dict(product.names) if product and product.names else {locale: line.name},
        starts_at=product.starts_at if product else None,
        timezone=product.timezone if product else "UTC",
        venue=product.venue if product else "",
    )
    if ticket.starts_at is not None:
        ticket.event_date = ticket.starts_at.astimezone(ZoneInfo(ticket.timezone)).date()
    qr = qr_png(str(ticket.token))
    ticket.qr_name = request.storage.save(qr, "png")
    ticket.pdf_name = request.storage.save(ticket_pdf(request.registry, ticket, qr), "pdf")
    return ticket


def issue_tickets(request, payment):
    """Create the tickets of ``payment`` that do not exist yet (one per unit bought);
    return every ticket PDF of the payment as e-mail attachments."""
    session = request.dbsession
    existing = {
        (t.product_id, t.number): t
        for t in session.execute(select(Ticket).where(Ticket.payment_id == payment.id)).scalars()
    }
    numbers = {}
    for line in payment.lines:
        first = numbers.get(line.product_id, 0) + 1
        numbers[line.product_id] = first + line.quantity - 1
        missing = [n for n in range(first, first + line.quantity)
                   if (line.product_id, n) not in existing]
        if not missing:
            continue
        product = request.hook.ticketing_product(request=request, product_id=line.product_id)
        for number in missing:
            ticket = new_ticket(request, payment, line, number, product)
            session.add(ticket)
            existing[(line.product_id, number)] = ticket
    session.flush()
    ordered = [existing[key] for key in sorted(existing)]
    return [Attachment(f"ticket-{position}.pdf", "application/pdf", ticket.pdf_name)
            for position, ticket in enumerate(ordered, start=1)]


def payment_tickets(request, payment):
    """The tickets of ``payment`` as resources, in the order of its e-mail attachments."""
    tickets = request.dbsession.execute(
        select(Ticket).where(Ticket.payment_id == payment.id)
        .order_by(Ticket.product_id, Ticket.number)
    ).scalars()
    return [ticket_body(ticket, request.locale_name) for ticket in tickets]


def change_status(request, ticket, new_status):
    """Set an admin-chosen status if the transition is allowed and nobody (a scan)
    changed the ticket since it was read; record who and when."""
    old_status = ticket.status
    if new_status not in TRANSITIONS[old_status]:
        raise APIError(409, "invalid_transition", _("This status change is not allowed."),
                       status=old_status, allowed=list(TRANSITIONS[old_status]))
    values = {"status": new_status}
    if new_status == "used":
        values.update(used_at=utcnow(), used_by_id=request.identity.id)
    elif old_status == "used":
        values.update(used_at=None, used_by_id=None)
    session = request.dbsession
    result = session.execute(
        update(Ticket).where(Ticket.id == ticket.id, Ticket.status == old_status)
        .values(**values).execution_options(synchronize_session=False)
    )
    mark_changed(session)
    if result.rowcount != 1:
        raise APIError(409, "status_changed",
                       _("The ticket changed in the meantime. Reload it and try again."))
    session.add(StatusChange(ticket_id=ticket.id, old_status=old_status,
                             new_status=new_status, changed_by_id=request.identity.id))
    session.flush()
    session.refresh(ticket)
    return ticket


# The gate's statements, built once on the tables (Core): a scan only binds values, and
# a Core statement costs about half the Python time of the same one on mapped classes.
TICKETS, USERS = Ticket.__table__.c, User.__table__.c
GATE_COLUMNS = (TICKETS.id, TICKETS.token, TICKETS.status, TICKETS.holder, TICKETS.product_id,
                TICKETS.payment_uuid, TICKETS.event_names, TICKETS.starts_at, TICKETS.venue,
                TICKETS.used_at)
ADMIT = (
    update(Ticket.__table__)
    .where(TICKETS.token == bindparam("scanned_token"), TICKETS.status == "issued")
    .values(status="used", used_at=bindparam("scanned_at"), used_by_id=bindparam("scanner_id"))
    .returning(*GATE_COLUMNS)
)
GATE_VIEW = (
    select(*GATE_COLUMNS, USERS.first_name, USERS.last_name)
    .outerjoin(User.__table__, TICKETS.used_by_id == USERS.id)
    .where(TICKETS.token == bindparam("token"))
)


def gate_info(row, locale, used_by):
    return TicketInfo(
        id=row.id, token=str(row.token), status=row.status, holder=row.holder,
        product_id=row.product_id, payment_uuid=row.payment_uuid,
        event_name=event_name(row.event_names, locale), starts_at=row.starts_at,
        venue=row.venue, used_at=row.used_at, used_by=used_by,
    )


def mark_used(request, token, user):
    """The gate's one conditional update, ``issued`` → ``used``; it returns the admitted
    ticket, so an admission reads nothing else."""
    token = parse_token(token)
    if token is None:
        return None
    session = request.dbsession
    row = session.execute(ADMIT, {"scanned_token": token, "scanned_at": utcnow(),
                                  "scanner_id": user.id}).one_or_none()
    mark_changed(session)
    if row is None:
        return None
    return gate_info(row, request.locale_name, display_name(user.first_name, user.last_name))


def ticket_info(request, token):
    """What the gate shows, read as plain columns in one statement (the gate's hot path:
    no entities to build, nothing stale in the session after its update)."""
    token = parse_token(token)
    if token is None:
        return None
    row = request.dbsession.execute(GATE_VIEW, {"token": token}).one_or_none()
    if row is None:
        return None
    used_by = None if row.first_name is None else display_name(row.first_name, row.last_name)
    return gate_info(row, request.locale_name, used_by)


def isoformat(moment):
    return moment.isoformat() if moment is not None else None


def ticket_body(ticket, locale):
    return {
        "id": ticket.id,
        "token": str(ticket.token),
        "status": ticket.status,
        "filename": ticket.pdf_name,
        "qr_filename": ticket.qr_name,
        "product_id": ticket.product_id,
        "payment_uuid": ticket.payment_uuid,
        "holder": ticket.holder,
        "event": {
            "name": ticket.event_name(locale),
            "starts_at": isoformat(ticket.starts_at),
            "timezone": ticket.timezone,
            "venue": ticket.venue,
        },
        "used_at": isoformat(ticket.used_at),
        "created_at": isoformat(ticket.created_at),
    }
