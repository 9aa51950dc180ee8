"""Jinja2 templates for e-mails and PDFs, translated with the gettext catalogs of the
package that owns the template. HTML templates are auto-escaped."""
from importlib import resources

import jinja2
from pyramid.i18n import TranslationString

from .i18n import localizer_for
from .money import format_cents


class PackageLoader(jinja2.BaseLoader):
    """Loads ``"package:path/in/package.html"``."""

    def get_source(self, environment, template):
        package, _sep, path = template.partition(":")
        try:
            source = resources.files(package).joinpath(path).read_text("utf-8")
        except (ModuleNotFoundError, FileNotFoundError, NotADirectoryError):
            raise jinja2.TemplateNotFound(template) from None
        return source, None, lambda: True


def make_environment():
    environment = jinja2.Environment(
        loader=PackageLoader(),
        autoescape=jinja2.select_autoescape(["html"], default_for_string=False),
        extensions=["jinja2.ext.i18n"],
        undefined=jinja2.StrictUndefined,
    )
    environment.filters["money"] = format_cents
    return environment


def render(registry, template, locale, **context):
    """Render ``template`` in ``locale``; ``{% trans %}`` and ``_()`` use the catalogs of
    the template's package (its gettext domain)."""
    environment = registry.get("ticketing.jinja")
    if environment is None:
        environment = registry["ticketing.jinja"] = make_environment()
    domain = template.partition(":")[0]
    localizer = localizer_for(registry, locale)

    def gettext(message, **mapping):
        return localizer.translate(TranslationString(message, domain=domain, mapping=mapping or None))

    def ngettext(singular, plural, n, **mapping):
        return localizer.pluralize(singular, plural, n, domain=domain, mapping=mapping or None)

    return environment.get_template(template).render(
        gettext=gettext, ngettext=ngettext, _=gettext, locale=locale, **context
    )
