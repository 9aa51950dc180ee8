"""HTML → PDF with WeasyPrint, fetching nothing but inline ``data:`` URLs: a template
that ends up containing ``<img src="file:///etc/passwd">`` or a remote URL renders
without it."""
import logging

from weasyprint import HTML
from weasyprint.urls import URLFetcher

log = logging.getLogger(__name__)


class InlineOnlyFetcher(URLFetcher):
    def __init__(self):
        super().__init__(allowed_protocols={"data"}, allow_redirects=False)

    def fetch(self, url, headers=None):
        if not url.startswith("data:"):
            log.warning("PDF rendering refused to fetch %r", url[:200])
            raise ValueError(f"fetching {url[:80]!r} is not allowed")
        return super().fetch(url, headers)


def render_pdf(html):
    """Render an HTML document (all assets inline) to PDF bytes."""
    return HTML(string=html, url_fetcher=InlineOnlyFetcher(), base_url="data:,").write_pdf()
