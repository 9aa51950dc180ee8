"""HTML → PDF with WeasyPrint, fetching nothing but inline ``data:`` URLs: a template
that ends up containing ``<img src="file:///etc/passwd">`` or a remote URL renders
without it (WeasyPrint logs the refusal)."""
from weasyprint import HTML
from weasyprint.urls import URLFetcher


def render_pdf(html):
    """Render an HTML document (all assets inline) to PDF bytes."""
    fetcher = URLFetcher(allowed_protocols=("data",), allow_redirects=False)
    return HTML(string=html, url_fetcher=fetcher, base_url="data:,").write_pdf()
