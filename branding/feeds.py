from guides.feeds import LatestGuidesFeed

from .models import SiteSettings


class BrandedGuidesFeed(LatestGuidesFeed):
    """The guides' feeds, titled with the organisation's site name."""

    def site_name(self, request):
        return SiteSettings.for_request(request).display_name
