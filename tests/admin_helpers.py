"""Helpers for driving the admin through the test client like an editor's browser would."""

from django.test import Client, TestCase
from django.urls import reverse


class EnglishClient(Client):
    """A browser that asks for English, so assertions can use Django's English admin texts."""

    def __init__(self, **defaults):
        super().__init__(HTTP_ACCEPT_LANGUAGE="en", **defaults)


class AdminTestCase(TestCase):
    client_class = EnglishClient


def change_url(obj):
    return reverse(f"admin:guides_{obj._meta.model_name}_change", args=[obj.pk])


def change_form_data(response):
    """What the change page in `response` posts when saved unchanged: form plus inlines."""
    data = _values(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        data.update(_values(inline.formset.management_form))
        for form in inline.formset.forms:
            data.update(_values(form))
    data["_continue"] = "1"
    return data


def _values(form):
    values = {}
    for name in form.fields:
        value = form[name].value()
        if value is None or value is False:
            continue
        key = form.add_prefix(name)
        if value is True:
            values[key] = "on"
        elif isinstance(value, list | tuple):
            values[key] = [str(item) for item in value]
        else:
            values[key] = str(value)
    return values


def action_data(obj, action):
    """The POST of a workflow button on obj's change page."""
    return {"_selected_action": str(obj.pk), "CHANGE_FORM-action": action}
