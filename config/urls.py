from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path
from django.views.static import serve

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("branding.urls_root")),
    path("", include("guides.urls_root")),
]
# branding's pages come first: their fixed first segments must win over `<slug:platform>/`.
urlpatterns += i18n_patterns(path("", include("branding.urls")), path("", include("guides.urls")))

if settings.DEBUG:
    urlpatterns += [path("media/<path:path>", serve, {"document_root": settings.MEDIA_ROOT})]

handler500 = "config.views.server_error"
