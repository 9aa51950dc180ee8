"""Reading the artefacts under test with independent tools: ``pdftotext`` for PDFs,
``zbarimg`` for QR codes."""
import subprocess
import uuid

from tests.support.services import require_tool


def pdf_text(data, tmp_path):
    """The text of the PDF ``data``, laid out as printed."""
    return _run("pdftotext", "-layout", _saved(data, "pdf", tmp_path), "-")


def qr_text(data, tmp_path):
    """The text encoded in the QR code of the PNG ``data``."""
    return _run("zbarimg", "-q", "--raw", _saved(data, "png", tmp_path)).strip()


def _saved(data, extension, tmp_path):
    path = tmp_path / f"{uuid.uuid4().hex}.{extension}"
    path.write_bytes(data)
    return str(path)


def _run(tool, *arguments):
    return subprocess.run([require_tool(tool), *arguments], check=True, capture_output=True,
                          text=True).stdout
