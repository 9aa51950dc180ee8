"""HTML → PDF with WeasyPrint, fetching nothing but inline ``data:`` URLs: a template
that ends up containing ``<img src="file:///etc/passwd">`` or a remote URL renders
without it."""
import logging
import threading

from weasyprint import HTML
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


def render_pdf(html):
    """Render an HTML document (all assets inline) to PDF bytes."""
    document = HTML(string=html, url_fetcher=InlineOnlyFetcher(), base_url="data:,")
    return document.write_pdf(font_config=font_config())
