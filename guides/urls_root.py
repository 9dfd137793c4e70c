from django.urls import path

from . import views

urlpatterns = [
    path("", views.language_redirect, name="root"),
    path("favicon.ico", views.favicon, name="favicon"),
]
