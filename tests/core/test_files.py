"""File storage and PDF rendering."""
import subprocess

import pytest

from tests.support.services import require_tool
from ticketing.pdf import render_pdf
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
