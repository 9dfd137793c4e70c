from django.contrib.sitemaps.views import sitemap
from django.urls import path

from . import views
from .caching import cache_page
from .sitemaps import SITEMAPS

urlpatterns = [
    path("", views.language_redirect, name="root"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("robots.txt", cache_page(views.robots_txt), name="robots"),
    path("sitemap.xml", cache_page(sitemap), {"sitemaps": SITEMAPS}, name="sitemap"),
]
