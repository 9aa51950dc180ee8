"""HTML → PDF with WeasyPrint, fetching nothing but inline ``data:`` URLs: a template
that ends up containing ``<img src="file:///etc/passwd">`` or a remote URL renders
without it."""
import logging

from weasyprint import HTML, default_url_fetcher

log = logging.getLogger(__name__)


class ForbiddenResource(ValueError):
    pass


def restricted_url_fetcher(url, *args, **kwargs):
    if url.startswith("data:"):
        return default_url_fetcher(url, *args, **kwargs)
    log.warning("PDF rendering refused to fetch %r", url[:200])
    raise ForbiddenResource(f"fetching {url[:80]!r} is not allowed")


def render_pdf(html):
    """Render an HTML document (all assets inline) to PDF bytes."""
    return HTML(string=html, url_fetcher=restricted_url_fetcher, base_url="data:,").write_pdf()
