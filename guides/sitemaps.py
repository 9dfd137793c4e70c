"""sitemap.xml: the home page, every platform with a published guide and every published guide,
with their hreflang alternates (django.contrib.sitemaps). Home and platforms in every site
language; a guide only in the languages it has its own title in (the others name one of those
as canonical)."""

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.db.models import Max
from django.urls import reverse

from .models import Guide, Platform


class ReaderSitemap(Sitemap):
    i18n = True
    alternates = True
    x_default = True  # the default language's address, as on the pages' hreflang links

    def get_protocol(self, protocol=None):
        return urlsplit(settings.SITE_URL).scheme if settings.SITE_URL else protocol

    def get_domain(self, site=None):
        return urlsplit(settings.SITE_URL).netloc if settings.SITE_URL else site.domain

    def get_urls(self, page=1, site=None, protocol=None):
        # Django's x-default drops the language prefix, but every page here has one (only /
        # redirects): point it at the default language's page, as the pages' own links do.
        urls = super().get_urls(page, site, protocol)
        for url in urls:
            by_language = {a["lang_code"]: a for a in url["alternates"]}
            if "x-default" in by_language:
                default = by_language[settings.LANGUAGE_CODE]["location"]
                by_language["x-default"]["location"] = default
        return urls


class HomeSitemap(ReaderSitemap):
    def items(self):
        return ["guides:home"]

    def location(self, item):
        return reverse(item)

    def lastmod(self, item):
        return Guide.objects.published().aggregate(last=Max("published_version__published_at"))[
            "last"
        ]


class PlatformSitemap(ReaderSitemap):
    def items(self):
        return (
            Platform.objects.filter(guides__published_version__isnull=False)
            .annotate(last=Max("guides__published_version__published_at"))
            .order_by("position", "name", "pk")
        )

    def lastmod(self, platform):
        return platform.last


class GuideSitemap(ReaderSitemap):
    def items(self):
        return (
            Guide.objects.published()
            .select_related("platform", "published_version")
            # Only what an entry needs: every guide's texts in every language weigh megabytes.
            .only(
                "slug",
                "platform__slug",
                "published_version__published_at",
                *(f"published_version__title_{code}" for code, _name in settings.LANGUAGES),
            )
            .order_by("platform__position", "platform__name", "platform_id", "position", "slug")
        )

    def get_languages_for_item(self, guide):
        return guide.published_version.indexed_languages()

    def lastmod(self, guide):
        return guide.published_version.published_at


SITEMAPS = {"home": HomeSitemap, "platforms": PlatformSitemap, "guides": GuideSitemap}
