from django.urls import path

from . import views
from .feeds import LatestGuidesFeed

app_name = "guides"

# Fixed words come before the `<slug:platform>/` patterns; Platform.clean() refuses them as slugs
# (guides/slugs.py).
urlpatterns = [
    path("", views.home, name="home"),
    path("search/", views.search, name="search"),
    path("feed/", LatestGuidesFeed(), name="feed"),
    path("preview/<int:pk>/", views.preview, name="preview"),
    path("<slug:platform>/", views.platform, name="platform"),
    path("<slug:platform>/<slug:slug>/", views.guide, name="guide"),
    path("<slug:platform>/<slug:slug>/history/", views.history, name="history"),
    path("<slug:platform>/<slug:slug>/compare/", views.compare, name="compare"),
    path("<slug:platform>/<slug:slug>/v<int:number>/", views.version, name="version"),
]
