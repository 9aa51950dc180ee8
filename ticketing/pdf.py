"""HTML → PDF with WeasyPrint, fetching nothing but inline ``data:`` URLs: a template
that ends up containing ``<img src="file:///etc/passwd">`` or a remote URL renders
without it."""
import logging
import re
import threading
from functools import cache
from importlib import resources

from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher

log = logging.getLogger(__name__)

_local = threading.local()


class InlineOnlyFetcher(URLFetcher):
    def __init__(self):
        super().__init__(allowed_protocols={"data"}, allow_redirects=False)

    def fetch(self, url, headers=None):
        if not url.startswith("data:"):
            log.warning("PDF rendering refused to fetch %r", url[:200])
            raise ValueError(f"fetching {url[:80]!r} is not allowed")
        return super().fetch(url, headers)


def font_config():
    """One font configuration per thread, kept: building it (and Pango's font map, with
    the fonts it has loaded and shaped) on every render costs almost half the render."""
    if not hasattr(_local, "font_config"):
        _local.font_config = FontConfiguration()
    return _local.font_config


def _lean_user_agent_sheet():
    """WeasyPrint's HTML user-agent stylesheet without its rules for the footnote and note
    pseudo-elements of *every* element, and with list markers on list items only: the
    cascade otherwise computes six pseudo-element styles per element, a tenth of an
    invoice's render. Documents rendered here use no ``float: footnote`` and no
    ``display: list-item`` but on ``li``."""
    text = (resources.files("weasyprint.css") / "html5_ua.css").read_text("utf-8")
    text = re.sub(r"^::(footnote|note)-.*$", "", text, flags=re.MULTILINE)
    return CSS(string=re.sub(r"^::marker", "li::marker", text, flags=re.MULTILINE))


class _LeanHTML(HTML):
    _ua_sheet = _lean_user_agent_sheet()

    def _ua_stylesheets(self, forms=False):
        return [self._ua_sheet]


@cache
def stylesheet(asset):
    """The stylesheet ``"package:path.css"``, parsed once for all renders."""
    package, _sep, path = asset.partition(":")
    text = resources.files(package).joinpath(path).read_text("utf-8")
    return CSS(string=text, url_fetcher=InlineOnlyFetcher(), base_url="data:,")


def render_pdf(html, css=None):
    """Render an HTML document (all assets inline) to PDF bytes, styled by the stylesheet
    asset ``css`` (see :func:`stylesheet`) besides any ``<style>`` of its own."""
    document = _LeanHTML(string=html, url_fetcher=InlineOnlyFetcher(), base_url="data:,")
    sheets = [stylesheet(css)] if css else []
    return document.write_pdf(font_config=font_config(), stylesheets=sheets)
