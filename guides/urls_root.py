from django.urls import path

from . import views

urlpatterns = [
    path("", views.language_redirect, name="root"),
]
