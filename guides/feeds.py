"""Atom feed of new and updated guides, one per language (/de/feed/, /en/feed/, …).

Entry titles and summaries are plain text: a change note with markup shows as typed.
"""

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _

from . import reading, texts
from .models import GuideVersion


def _url(path):
    """On settings.SITE_URL when set; a bare path gets the request's scheme and host from Feed."""
    return settings.SITE_URL + path


class PlainTextAtomFeed(Atom1Feed):
    """Atom with `type="text"` summaries, dropping what XML 1.0 cannot carry.

    Stored texts are validated (guides.texts), but one control character stored before that
    must not take the whole feed down.
    """

    def add_item(self, title, link, description, **kwargs):
        super().add_item(texts.xml_safe(title), link, texts.xml_safe(description), **kwargs)

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, {**item, "description": None})
        if item["description"]:
            handler.addQuickElement("summary", item["description"], {"type": "text"})


class LatestGuidesFeed(Feed):
    """Every publication of a guide is an entry: the first one and each update."""

    feed_type = PlainTextAtomFeed
    subtitle = _("Step-by-step guides to switch off data collection, and what changed in them.")
    limit = 30

    def site_name(self, obj):
        """The name in the feed's title; `obj` is what get_object() returned (here None)."""
        return gettext("Opt-out Guides")

    def title(self, obj):
        return gettext("%(site)s: new and updated guides") % {"site": self.site_name(obj)}

    def author_name(self, obj):
        return self.site_name(obj)

    def link(self):
        return _url(reverse("guides:home"))

    def feed_url(self):
        return _url(reverse("guides:feed"))

    def items(self):
        return (
            GuideVersion.objects.public()
            .filter(published_at__isnull=False)
            .select_related("guide__platform")
            .order_by("-published_at")[: self.limit]
        )

    def item_title(self, item):
        # Every publication is an entry: the number tells a guide's versions apart.
        title = reading.localized(item, "title", get_language())
        return gettext("%(title)s (version %(number)s)") % {"title": title, "number": item.number}

    def item_description(self, item):
        language = get_language()
        return reading.localized(item, "change_note", language) or reading.localized(
            item, "summary", language
        )

    def item_link(self, item):
        path = reverse(
            "guides:version",
            kwargs={
                "platform": item.guide.platform.slug,
                "slug": item.guide.slug,
                "number": item.number,
            },
        )
        return _url(path)

    # No item_guid: Feed then uses the entry's link made absolute, and Atom requires an IRI
    # as <id>.

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return item.published_at
