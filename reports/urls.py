from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("<slug:platform>/<slug:slug>/report/", views.report, name="report"),
]
