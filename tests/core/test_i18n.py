"""Locale negotiation and the completeness of every gettext catalog."""
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from ticketing.i18n import negotiate

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = [ROOT / "ticketing"] + sorted(ROOT.glob("plugins/*/ticketing_*"))


@pytest.mark.parametrize("header, locale", [
    ("de", "de"),
    ("de-CH;q=0.9, fr;q=0.8", "de"),
    ("fr;q=0.5, de;q=0.8", "de"),  # weight, not order
    ("en-US,en;q=0.9", "en"),
    ("es, it", "en"),
    ("", "en"),
    ("*", "en"),
    ("de;q=0, fr", "fr"),
    ("de;q=abc, fr;q=0.1", "fr"),
    ("  fr  ;  q=0.7 ,de;q=0.6", "fr"),
    ("x" * 8000, "en"),
    ("de;q=nan, fr;q=0.2", "fr"),
    (",".join(["zz"] * 4000) + ",de", "en"),  # only the first entries are read
])
def test_negotiation_by_weight_with_fallback(header, locale):
    assert negotiate(header) == locale


def source_messages(package):
    method_map = [("**.py", "python"), ("**/templates/**.html", "jinja2"),
                  ("**/templates/**.txt", "jinja2")]
    options = {"**/templates/**": {"extensions": "jinja2.ext.i18n"}}
    return {message[2] if isinstance(message[2], str) else message[2][0]
            for message in extract_from_dir(str(package), method_map, options,
                                            keywords={"_": None, "gettext": None,
                                                      "ngettext": (1, 2)})}


@pytest.mark.parametrize("package", PACKAGES, ids=lambda p: p.name)
@pytest.mark.parametrize("locale", ["de", "fr"])
def test_every_message_is_translated(package, locale):
    messages = source_messages(package)
    if not messages:
        return
    po_path = package / "locale" / locale / "LC_MESSAGES" / f"{package.name}.po"
    assert po_path.exists(), f"missing catalog {po_path}"
    with po_path.open("rb") as handle:
        catalog = read_po(handle)
    untranslated = sorted(
        message for message in messages
        if message not in catalog or not catalog[message].string or catalog[message].fuzzy
    )
    assert untranslated == [], f"{po_path.relative_to(ROOT)} lacks translations"


def test_content_language_follows_the_request(sample_app):
    assert sample_app.get("/api/health", headers={"Accept-Language": "fr-CA"}).headers[
        "Content-Language"] == "fr"
    assert sample_app.get("/api/health").headers["Content-Language"] == "en"
