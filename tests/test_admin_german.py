"""The admin in German: Django 6.1's new admin words come from the project's catalogue."""

from django.test import Client, TestCase
from django.urls import reverse

from .helpers import make_guide, make_user


class GermanAdminTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.user = make_user(is_superuser=True)
        make_guide()

    def setUp(self):
        self.client = Client(HTTP_ACCEPT_LANGUAGE="de")
        self.client.force_login(self.user)

    def test_the_guide_list_runs_actions_and_searches_in_german(self):
        response = self.client.get(reverse("admin:guides_guide_changelist"))
        self.assertContains(response, ">Ausführen</button>")
        self.assertContains(response, "Anleitungen durchsuchen")
        self.assertNotContains(response, ">Run</button>")

    def test_select_boxes_offer_a_german_empty_choice(self):
        response = self.client.get(reverse("admin:guides_guide_add"))
        self.assertContains(response, "– Bitte auswählen –")
        self.assertNotContains(response, "Select an option")

    def test_the_region_chooser_explains_itself_in_german(self):
        response = self.client.get(reverse("admin:jsi18n"))
        self.assertContains(response, "markieren und dann auf den Pfeil \\u201eAusw\\u00e4hlen")
        self.assertContains(response, "entfernen: markieren und dann auf den Pfeil")
