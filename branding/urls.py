from django.urls import path

from guides.caching import cache_page
from guides.views import follows_former_slugs

from . import views
from .feeds import BrandedGuidesFeed

app_name = "branding"

# Under the language prefix, before guides' `<slug:platform>/`: these first path segments
# ("imprint", "privacy", "feed") can never be platform slugs.
urlpatterns = [
    path("imprint/", views.imprint, name="imprint"),
    path("privacy/", views.privacy, name="privacy"),
    # Replace guides' feeds at the same addresses, with the organisation's name in their title.
    path("feed/", cache_page(BrandedGuidesFeed()), name="feed"),
    path(
        "feed/<slug:platform>/",
        cache_page(follows_former_slugs(BrandedGuidesFeed())),
        name="platform-feed",
    ),
    path(
        "feed/<slug:platform>/<slug:slug>/",
        cache_page(follows_former_slugs(BrandedGuidesFeed())),
        name="guide-feed",
    ),
]
