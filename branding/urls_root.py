from django.urls import path

from . import views

urlpatterns = [
    path("branding.css", views.stylesheet, name="branding-css"),
]
