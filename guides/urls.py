from django.urls import path

from . import views

app_name = "guides"

urlpatterns = [
    path("", views.home, name="home"),
    path("<slug:platform>/", views.platform, name="platform"),
    path("<slug:platform>/<slug:slug>/", views.guide, name="guide"),
    path("<slug:platform>/<slug:slug>/v<int:number>/", views.version, name="version"),
    path("preview/<int:pk>/", views.preview, name="preview"),
]
