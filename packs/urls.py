from django.urls import path

from . import views

app_name = "packs"

# Outside the language prefix: one pack holds every language.
urlpatterns = [
    path("packs/latest.zip", views.latest, name="latest"),
]
