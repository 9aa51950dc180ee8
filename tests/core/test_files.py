"""File storage and PDF rendering."""
import subprocess

import pytest

from tests.support.documents import pdf_text
from tests.support.services import require_tool
from ticketing.pdf import render_pdf, stylesheet
from ticketing.storage import LocalStorage


def test_storage_round_trip_with_random_names(tmp_path):
    storage = LocalStorage(tmp_path)
    first, second = storage.save(b"a", "pdf"), storage.save(b"a", "pdf")
    assert first != second and first.endswith(".pdf") and len(first) == 36
    assert storage.read(first) == b"a" and storage.exists(first)


@pytest.mark.parametrize("name", ["../etc/passwd", "/etc/passwd", "..%2fx.pdf", "a.pdf",
                                  "0" * 32 + ".exe", "0" * 32 + ".pdf\x00", "", None,
                                  "0" * 32 + ".pdf/../" + "1" * 32 + ".pdf"])
def test_storage_refuses_anything_but_its_own_names(tmp_path, name):
    storage = LocalStorage(tmp_path)
    with pytest.raises(KeyError):
        storage.read(name)
    assert storage.exists(name) is False


def test_a_missing_file_is_a_key_error(tmp_path):
    with pytest.raises(KeyError):
        LocalStorage(tmp_path).read("0" * 32 + ".pdf")


def test_pdf_renders_text_in_any_script_and_fetches_nothing(tmp_path, caplog):
    secret = tmp_path / "secret.png"
    secret.write_bytes(b"not an image")
    html = (f'<html><body><h1>Grüße Ελληνικά 東京 مرحبا</h1>'
            f'<img src="file://{secret}"><img src="http://127.0.0.1:1/x.png">'
            f'<link rel="stylesheet" href="file:///etc/passwd"></body></html>')
    pdf = tmp_path / "out.pdf"
    pdf.write_bytes(render_pdf(html))
    text = subprocess.run([require_tool("pdftotext"), str(pdf), "-"], capture_output=True,
                          text=True, check=True).stdout
    for word in ("Grüße", "Ελληνικά", "東京"):
        assert word in text
    refused = [r.getMessage() for r in caplog.records if "refused to fetch" in r.getMessage()]
    assert len(refused) == 3


def pdf_lines(data, tmp_path):
    return [line.strip() for line in pdf_text(data, tmp_path).splitlines() if line.strip()]


def test_pdf_lists_keep_their_markers(tmp_path):
    """The lean user-agent stylesheet keeps the ``::marker`` rule for list items."""
    html = "<ul><li>first</li></ul><ol><li>second</li></ol>"
    assert pdf_lines(render_pdf(html), tmp_path) == ["• first", "1. second"]


def test_pdf_stylesheet_assets_are_parsed_once_and_applied(tmp_path):
    asset = "ticketing_invoicing:templates/invoice.css"
    html = '<p class="lines">Seller\n  Example GmbH\n  Main street 1</p><p>Elsewhere\nnot</p>'

    assert stylesheet(asset) is stylesheet(asset)
    assert pdf_lines(render_pdf(html, asset), tmp_path) == [
        "Seller", "Example GmbH", "Main street 1", "Elsewhere not"]
