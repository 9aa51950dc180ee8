"""Templates are not an attack surface: names and product texts with HTML, CSS or
``<img src="file:///...">`` are printed literally in e-mails and PDFs, WeasyPrint fetches
nothing but inline ``data:`` URLs, and names in any script print with the installed fonts.
Artefacts are checked with independent tools: the e-mail parser, pdftotext, pdffonts."""
import http.server
import logging
import subprocess
import threading
import uuid
from html.parser import HTMLParser

import pytest

from ticketing.pdf import InlineOnlyFetcher, render_pdf
from tests.support.documents import pdf_text
from tests.support.services import require_tool

HOSTILE = '<img src="file:///etc/passwd"><b>Bob</b>'
HOSTILE_CSS = '</style><style>*{display:none}</style><script>alert(1)</script>'


class Tags(HTMLParser):
    def __init__(self, html):
        super().__init__()
        self.tags = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def test_names_are_escaped_in_e_mails(app, mailbox):
    app.post_json("/api/auth/register", {
        "first_name": HOSTILE, "last_name": HOSTILE_CSS, "email": "eve@example.com",
        "password": "a-long-password-1", "password_confirmation": "a-long-password-1"},
        status=201)
    (message,) = mailbox.wait_for(1, to="eve@example.com")
    html = message.get_body(("html",)).get_content()
    tags = {tag for tag, _attrs in Tags(html).tags}
    assert not tags & {"img", "b", "style", "script"}, tags
    assert "&lt;img src=&#34;file:///etc/passwd&#34;&gt;" in html
    assert HOSTILE in message.get_body(("plain",)).get_content()  # text: literally


def make_ticket(holder, event_name, venue="Hall"):
    from datetime import datetime, timezone

    from ticketing_tickets.models import Ticket

    return Ticket(token=uuid.uuid4(), locale="en", holder=holder, event_names={"en": event_name},
                  starts_at=datetime(2030, 6, 1, 18, tzinfo=timezone.utc), timezone="UTC",
                  venue=venue)


def ticket_pdf(registry, ticket):
    from ticketing_tickets.services import qr_png, ticket_pdf

    return ticket_pdf(registry, ticket, qr_png(str(ticket.token)))


def test_hostile_texts_print_literally_in_ticket_pdfs(registry, tmp_path):
    ticket = make_ticket(HOSTILE, "Gala " + HOSTILE_CSS, venue='<link rel="stylesheet" href="x">')
    text = " ".join(pdf_text(ticket_pdf(registry, ticket), tmp_path).split())
    assert '<img src="file:///etc/passwd"><b>Bob</b>' in text
    assert "<script>alert(1)</script>" in text
    assert '<link rel="stylesheet" href="x">' in text
    assert str(ticket.token) in text  # the injected CSS hid nothing
    assert "root:" not in text


class RecordingHandler(http.server.BaseHTTPRequestHandler):
    requests = []

    def do_GET(self):
        self.requests.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "text/css")
        self.end_headers()
        self.wfile.write(b"body { display: none }")

    def log_message(self, *args):
        pass


@pytest.fixture
def web_server():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), RecordingHandler)
    RecordingHandler.requests = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", RecordingHandler.requests
    server.shutdown()
    server.server_close()


def test_pdf_rendering_fetches_no_file_and_no_url(tmp_path, web_server, caplog):
    url, requests = web_server
    secret = tmp_path / "secret.svg"
    secret.write_text('<svg xmlns="http://www.w3.org/2000/svg" width="200" height="40">'
                      '<text x="0" y="20">LEAKED-FILE</text></svg>')
    html = f"""<html><head>
      <link rel="stylesheet" href="{url}/sheet.css">
      <style>@import url("{url}/import.css"); @import url("file://{secret}");
        p {{ background: url("{url}/bg.png") }} @font-face {{ font-family: x;
        src: url("{url}/font.woff") }}</style></head>
      <body><p>VISIBLE</p><img src="file://{secret}"><img src="{url}/pixel.png">
      <object data="file://{secret}"></object><iframe src="file:///etc/passwd"></iframe>
      <img src="{secret}"></body></html>"""
    with caplog.at_level(logging.WARNING, logger="ticketing.pdf"):
        data = render_pdf(html)
    text = pdf_text(data, tmp_path)
    assert "VISIBLE" in text
    assert "LEAKED-FILE" not in text
    assert requests == []
    refused = [record.getMessage() for record in caplog.records]
    assert any("file://" in message for message in refused), refused
    assert any(url in message for message in refused), refused


@pytest.mark.parametrize("url", ["file:///etc/passwd", "http://127.0.0.1/x", "https://a.test/",
                                 "ftp://a.test/x", "FILE:///etc/passwd", "/etc/passwd"])
def test_the_fetcher_refuses_everything_but_data_urls(url):
    with pytest.raises(ValueError):
        InlineOnlyFetcher().fetch(url)


NAMES = {  # name, fonts of which one must be embedded (families that cover the script)
    "cjk": ("山田 太郎", ("NotoSansCJK",)),
    "greek": ("Αλέξανδρος Παπαδόπουλος", ("NotoSans",)),
    "arabic": ("محمد علي", ("NotoSansArabic", "NotoNaskhArabic", "DejaVuSans")),
    "cyrillic": ("Анна Каренина", ("NotoSans",)),
}


@pytest.mark.parametrize("script", NAMES)
def test_names_print_in_any_script(registry, tmp_path, script):
    name, fonts = NAMES[script]
    data = ticket_pdf(registry, make_ticket(name, f"Konzert {name}"))
    text = pdf_text(data, tmp_path)
    words = [word for word in name.split() if word not in text]
    if script == "arabic":  # pdftotext writes right-to-left words in visual order
        words = [word for word in words if word[::-1] not in text]
    assert words == [], text
    path = tmp_path / "fonts.pdf"
    path.write_bytes(data)
    embedded = subprocess.run([require_tool("pdffonts"), str(path)], check=True,
                              capture_output=True, text=True).stdout.replace("-", "")
    assert any(font in embedded for font in fonts), embedded
