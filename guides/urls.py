from django.urls import path

from . import views
from .caching import cache_page
from .feeds import LatestGuidesFeed
from .views import follows_former_slugs

app_name = "guides"

# Fixed words come before the `<slug:platform>/` patterns; Platform.clean() refuses them as slugs
# (guides/slugs.py).
urlpatterns = [
    path("", cache_page(views.home), name="home"),
    path("search/", views.search, name="search"),
    path("feed/", cache_page(LatestGuidesFeed()), name="feed"),
    path(
        "feed/<slug:platform>/",
        cache_page(follows_former_slugs(LatestGuidesFeed())),
        name="platform-feed",
    ),
    path(
        "feed/<slug:platform>/<slug:slug>/",
        cache_page(follows_former_slugs(LatestGuidesFeed())),
        name="guide-feed",
    ),
    path("preview/<int:pk>/", views.preview, name="preview"),
    path("<slug:platform>/", cache_page(views.platform), name="platform"),
    path("<slug:platform>/<slug:slug>/", cache_page(views.guide), name="guide"),
    path("<slug:platform>/<slug:slug>/history/", cache_page(views.history), name="history"),
    path("<slug:platform>/<slug:slug>/compare/", cache_page(views.compare), name="compare"),
    path("<slug:platform>/<slug:slug>/v<int:number>/", cache_page(views.version), name="version"),
    path(
        "<slug:platform>/<slug:slug>/embed/",
        views.framed_by_embedders(cache_page(views.embed)),
        name="embed",
    ),
]
