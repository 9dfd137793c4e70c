from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from config.middleware import accepts_forms
from hosting.views import media

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("branding.urls_root")),
    path("media/<path:path>", media, name="media"),
    path("", include("packs.urls")),
    path("", include("guides.urls_root")),
]
# branding's pages come first: their fixed first segments must win over `<slug:platform>/`.
urlpatterns += i18n_patterns(
    path("", include("branding.urls")),
    path("", include("reports.urls")),
    path("", include("guides.urls")),
)

handler500 = "config.views.server_error"

if settings.PASSWORD_RESET_BY_EMAIL:
    # Django's admin shows "Forgotten your password?" on its login page when these exist.
    urlpatterns = [
        path(
            "admin/password_reset/",
            accepts_forms(auth_views.PasswordResetView.as_view()),
            name="admin_password_reset",
        ),
        path(
            "admin/password_reset/done/",
            accepts_forms(auth_views.PasswordResetDoneView.as_view()),
            name="password_reset_done",
        ),
        path(
            "reset/<uidb64>/<token>/",
            accepts_forms(auth_views.PasswordResetConfirmView.as_view()),
            name="password_reset_confirm",
        ),
        path(
            "reset/done/",
            accepts_forms(auth_views.PasswordResetCompleteView.as_view()),
            name="password_reset_complete",
        ),
        *urlpatterns,
    ]
