"""The "payment paid" pipeline: one ticket per unit, QR and PDF, once."""
import io
import subprocess
import uuid

from PIL import Image

from sqlalchemy import delete, func, select

from tests.plugins.tickets.support import paid_again
from tests.support.documents import pdf_text, qr_text
from tests.support.services import require_tool
from ticketing_tickets.models import Ticket


def test_one_ticket_per_unit_with_qr_and_pdf_in_the_buyers_language(
        issue, make_user, db, registry, tmp_path):
    buyer = make_user(first_name="Jana", last_name="Schulz", locale="de")
    payment_uuid = issue(buyer, quantity=2, locale="de")

    tickets = db.execute(select(Ticket).order_by(Ticket.number)).scalars().all()
    assert [(t.number, t.status, t.user_id, t.payment_uuid) for t in tickets] == [
        (1, "issued", buyer.id, payment_uuid), (2, "issued", buyer.id, payment_uuid)]
    assert [(a.filename, a.content_type, a.stored_name) for a in paid_again(payment_uuid)] == [
        ("ticket-1.pdf", "application/pdf", tickets[0].pdf_name),
        ("ticket-2.pdf", "application/pdf", tickets[1].pdf_name)]

    storage = registry["storage"]
    for ticket in tickets:
        assert uuid.UUID(qr_text(storage.read(ticket.qr_name), tmp_path)) == ticket.token
    text = pdf_text(storage.read(tickets[0].pdf_name), tmp_path)
    assert "Frühlingskonzert" in text
    assert "Samstag, 16. März 2030" in text
    assert "20:00 (Europe/Berlin)" in text
    assert "Stadthalle Bonn" in text
    assert "Jana Schulz" in text
    assert "Eintrittskarte" in text and "Inhaber" in text
    assert str(tickets[0].token) in text
    assert tickets[0].token != tickets[1].token


def test_the_qr_code_is_a_greyscale_png_that_scans_in_the_pdf_too(issue, make_user, db,
                                                                  registry, tmp_path):
    """Greyscale, because WeasyPrint embeds such a PNG as it is (a bilevel one is converted
    and encoded again); printed from the PDF, it still scans."""
    issue(make_user())
    ticket = db.execute(select(Ticket)).scalar_one()
    storage = registry["storage"]
    assert Image.open(io.BytesIO(storage.read(ticket.qr_name))).mode == "L"
    pdf = tmp_path / "ticket.pdf"
    pdf.write_bytes(storage.read(ticket.pdf_name))
    subprocess.run([require_tool("pdftoppm"), "-r", "150", "-png", "-singlefile", str(pdf),
                    str(tmp_path / "page")], check=True)
    assert qr_text((tmp_path / "page.png").read_bytes(), tmp_path) == str(ticket.token)


def test_pdf_in_french_for_a_french_buyer(issue, make_user, db, registry, tmp_path):
    issue(make_user(locale="fr"), locale="fr")
    ticket = db.execute(select(Ticket)).scalar_one()
    text = pdf_text(registry["storage"].read(ticket.pdf_name), tmp_path)
    assert "Concert de printemps" in text
    assert "samedi 16 mars 2030" in text
    assert "Titulaire" in text and "Billet d'entrée" in text


def test_running_again_creates_nothing_new(issue, make_user, db):
    payment_uuid = issue(make_user(), quantity=3)
    tokens = set(db.execute(select(Ticket.token)).scalars())

    assert paid_again(payment_uuid) == paid_again(payment_uuid)
    assert set(db.execute(select(Ticket.token)).scalars()) == tokens
    assert db.execute(select(func.count()).select_from(Ticket)).scalar_one() == 3


def test_missing_units_are_completed(issue, make_user, db):
    """A run that stopped half-way (one ticket of three exists) completes the rest."""
    payment_uuid = issue(make_user(), quantity=3)
    db.execute(delete(Ticket).where(Ticket.number > 1))
    db.commit()
    first = db.execute(select(Ticket.token)).scalar_one()

    attachments = paid_again(payment_uuid)

    tickets = db.execute(select(Ticket).order_by(Ticket.number)).scalars().all()
    assert [(t.number, t.payment_uuid) for t in tickets] == [(n, payment_uuid) for n in (1, 2, 3)]
    assert tickets[0].token == first
    assert [a.filename for a in attachments] == ["ticket-1.pdf", "ticket-2.pdf", "ticket-3.pdf"]
