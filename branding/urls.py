from django.urls import path

from guides.caching import cache_page

from . import views
from .feeds import BrandedGuidesFeed

app_name = "branding"

# Under the language prefix, before guides' `<slug:platform>/`: these first path segments
# ("imprint", "privacy", "feed") can never be platform slugs.
urlpatterns = [
    path("imprint/", views.imprint, name="imprint"),
    path("privacy/", views.privacy, name="privacy"),
    # Replaces guides' feed at the same address, with the organisation's name in its title.
    path("feed/", cache_page(BrandedGuidesFeed()), name="feed"),
]
