"""Locales: ``Accept-Language`` negotiation by weight, translation helpers and the
``Content-Language`` response header."""
import re

from pyramid.events import NewResponse
from pyramid.i18n import TranslationStringFactory

LOCALES = ("en", "de", "fr")
DEFAULT_LOCALE = "en"

_ = TranslationStringFactory("ticketing")

_LANGUAGE_RANGE = re.compile(r"^([A-Za-z]{1,8})(?:-[A-Za-z0-9]{1,8})*$|^\*$")


def parse_accept_language(header, limit=50):
    """Return the language ranges of ``header`` best first, as ``(primary, q)``.

    Malformed entries are skipped; ties keep header order. Only the first ``limit``
    entries are read, so a huge header costs little.
    """
    ranges = []
    for position, part in enumerate(header.split(",")[:limit]):
        tag, *params = [piece.strip() for piece in part.split(";")]
        if not _LANGUAGE_RANGE.match(tag):
            continue
        quality = 1.0
        for param in params:
            key, _sep, value = param.partition("=")
            if key.strip().lower() == "q":
                try:
                    quality = float(value.strip())
                except ValueError:
                    quality = -1.0
                if not 0.0 <= quality <= 1.0:  # also rejects nan
                    quality = -1.0
        if quality > 0:
            ranges.append((-quality, position, tag.split("-")[0].lower()))
    return [(primary, -negq) for negq, _pos, primary in sorted(ranges)]


def negotiate(header, available=LOCALES):
    for primary, _quality in parse_accept_language(header or ""):
        if primary in available:
            return primary
        if primary == "*":
            return DEFAULT_LOCALE
    return DEFAULT_LOCALE


def locale_negotiator(request):
    return negotiate(request.headers.get("Accept-Language", ""))


def localizer_for(registry, locale):
    """A localizer for ``locale`` outside a request (background tasks, e-mails)."""
    from pyramid.i18n import make_localizer
    from pyramid.interfaces import ITranslationDirectories

    if locale not in LOCALES:
        locale = DEFAULT_LOCALE
    cache = registry.setdefault("ticketing.localizers", {})
    if locale not in cache:
        directories = registry.queryUtility(ITranslationDirectories, default=[])
        cache[locale] = make_localizer(locale, directories)
    return cache[locale]


def _content_language(event):
    event.response.headers.setdefault("Content-Language", event.request.locale_name)


def includeme(config):
    config.set_locale_negotiator(locale_negotiator)
    config.add_translation_dirs("colander:locale/", "ticketing:locale/")
    config.add_subscriber(_content_language, NewResponse)
