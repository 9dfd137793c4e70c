"""Atom feeds of new and updated guides, per language: all guides (/de/feed/), one platform's
(/de/feed/linkedin/) or one guide's (/de/feed/linkedin/ki-training/).

Entry titles and summaries are plain text: a change note with markup shows as typed. A text
shown in a fallback language carries that language in `xml:lang`, like `lang` on the pages: an
entry, its summary, and a guide feed's own title.
"""

from dataclasses import dataclass

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _

from . import reading, texts
from .models import Guide, GuideVersion, Platform


def _url(path):
    """On settings.SITE_URL when set; a bare path gets the request's scheme and host from Feed."""
    return settings.SITE_URL + path


class PlainTextAtomFeed(Atom1Feed):
    """Atom with `type="text"` summaries and `xml:lang` on fallback texts, dropping what XML
    1.0 cannot carry.

    Stored texts are validated (guides.texts), but one control character stored before that
    must not take the whole feed down.
    """

    def add_item(self, title, link, description, **kwargs):
        super().add_item(texts.xml_safe(title), link, texts.xml_safe(description), **kwargs)

    def add_root_elements(self, handler):
        # Atom1Feed writes the feed's own <title> without attributes: this one carries the
        # language of a guide's title shown in a fallback language.
        title_attributes = _lang_attribute(self.feed.get("title_lang"), self.feed["language"])
        add = handler.addQuickElement

        def add_quick_element(name, contents=None, attrs=None):
            if name == "title":
                attrs = {**(attrs or {}), **title_attributes}
            add(name, contents, attrs)

        handler.addQuickElement = add_quick_element
        try:
            super().add_root_elements(handler)
        finally:
            del handler.addQuickElement

    def item_attributes(self, item):
        return _lang_attribute(item["title_lang"], self.feed["language"])

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, {**item, "description": None})
        if item["description"]:
            attributes = {"type": "text"}
            attributes |= _lang_attribute(item["summary_lang"], item["title_lang"])
            handler.addQuickElement("summary", item["description"], attributes)


def _lang_attribute(lang, around):
    """`xml:lang` when the text's language differs from the element around it."""
    return {"xml:lang": lang} if lang and lang != around else {}


@dataclass
class FeedScope:
    """What one feed covers: everything, one platform or one guide, and the site's name."""

    site_name: str
    origin: str  # scheme and host for absolute addresses: SITE_URL or the request's
    platform: Platform = None
    guide: Guide = None


class LatestGuidesFeed(Feed):
    """Every publication of a guide is an entry: the first one and each update."""

    feed_type = PlainTextAtomFeed
    subtitle = _("Step-by-step guides to switch off data collection, and what changed in them.")
    limit = 30

    def site_name(self, request):
        """The name in the feed's title; branding's feed gives the organisation's."""
        return gettext("Opt-out Guides")

    def get_object(self, request, platform=None, slug=None):
        origin = settings.SITE_URL or f"{request.scheme}://{request.get_host()}"
        scope = FeedScope(site_name=self.site_name(request), origin=origin)
        if slug:
            guides = Guide.objects.published().select_related("platform", "published_version")
            scope.guide = get_object_or_404(guides, platform__slug=platform, slug=slug)
            scope.platform = scope.guide.platform
        elif platform:
            scope.platform = get_object_or_404(Platform, slug=platform)
        return scope

    def title(self, scope):
        if scope.guide:
            title = self._guide_title(scope)
            return gettext("%(site)s: %(guide)s") % {"site": scope.site_name, "guide": title}
        if scope.platform:
            return gettext("%(site)s: new and updated %(platform)s guides") % {
                "site": scope.site_name,
                "platform": scope.platform.name,
            }
        return gettext("%(site)s: new and updated guides") % {"site": scope.site_name}

    def _guide_title(self, scope):
        return reading.localized(scope.guide.published_version, "title", get_language())

    def feed_extra_kwargs(self, scope):
        # The site's name is a name; the guide's title says which language the feed title is in.
        return {"title_lang": self._guide_title(scope).lang if scope.guide else None}

    def author_name(self, scope):
        return scope.site_name

    def link(self, scope):
        page = scope.guide or scope.platform
        return _url(page.get_absolute_url() if page else reverse("guides:home"))

    def feed_url(self, scope):
        return _url(feed_path(platform=scope.platform, guide=scope.guide))

    def feed_guid(self, scope):
        # The site feed's <id> stays its home page (as before); a guide's or platform's feed
        # must not share its <id> with the page it links to.
        if scope.guide or scope.platform:
            return scope.origin + feed_path(platform=scope.platform, guide=scope.guide)
        return None

    def items(self, scope):
        versions = GuideVersion.objects.public().filter(published_at__isnull=False)
        if scope.guide:
            versions = versions.filter(guide=scope.guide)
        elif scope.platform:
            versions = versions.filter(guide__platform=scope.platform)
        versions = versions.select_related("guide__platform").order_by("-published_at")
        items = list(versions[: self.limit])
        for item in items:
            item.feed_origin = scope.origin  # item_guid() has no other way to the request
        return items

    def item_title(self, item):
        # Every publication is an entry: the number tells a guide's versions apart.
        title = reading.localized(item, "title", get_language())
        return gettext("%(title)s (version %(number)s)") % {"title": title, "number": item.number}

    def _item_text(self, item):
        language = get_language()
        return reading.localized(item, "change_note", language) or reading.localized(
            item, "summary", language
        )

    def item_description(self, item):
        return self._item_text(item)

    def item_extra_kwargs(self, item):
        language = get_language()
        return {
            "title_lang": reading.localized(item, "title", language).lang,
            "summary_lang": self._item_text(item).lang,
        }

    def item_link(self, item):
        # The page that shows this version: the guide's own address while it is the published
        # one (the /vN/ address would redirect there), its /vN/ page once it is archived.
        return _url(item.get_absolute_url())

    def item_guid(self, item):
        # Stays the same when the version is archived; Atom requires an absolute IRI as <id>.
        path = reverse(
            "guides:version",
            kwargs={
                "platform": item.guide.platform.slug,
                "slug": item.guide.slug,
                "number": item.number,
            },
        )
        return item.feed_origin + path

    item_guid_is_permalink = False

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return item.published_at


def feed_path(platform=None, guide=None):
    """The address of the feed for one guide, one platform, or all guides (in this language)."""
    if guide:
        return reverse(
            "guides:guide-feed", kwargs={"platform": guide.platform.slug, "slug": guide.slug}
        )
    if platform:
        return reverse("guides:platform-feed", kwargs={"platform": platform.slug})
    return reverse("guides:feed")
