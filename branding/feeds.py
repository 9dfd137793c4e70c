from guides.feeds import LatestGuidesFeed

from .models import SiteSettings


class BrandedGuidesFeed(LatestGuidesFeed):
    """The guides' feed, titled with the organisation's site name."""

    def get_object(self, request):
        return SiteSettings.for_request(request)

    def site_name(self, site):
        return site.display_name
