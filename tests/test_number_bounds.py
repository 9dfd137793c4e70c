"""Positions, minutes and version numbers have the same bounds on SQLite and PostgreSQL."""

from django.core.exceptions import ValidationError
from django.urls import reverse

from guides.models import GuideVersion, Platform

from .admin_helpers import AdminTestCase, change_form_data, change_url
from .helpers import make_guide, make_user


class NumberBoundsTests(AdminTestCase):
    @classmethod
    def setUpTestData(cls):
        cls.editor = make_user(groups=["Editor"])
        cls.guide = make_guide(published=False)

    def setUp(self):
        self.client.force_login(self.editor)
        self.draft = self.guide.draft
        self.form_data = change_form_data(self.client.get(change_url(self.draft)))

    def post_draft(self, **changes):
        response = self.client.post(change_url(self.draft), {**self.form_data, **changes})
        self.assertEqual(response.status_code, 200)
        return response

    def test_minutes_beyond_what_a_guide_takes_are_a_form_error(self):
        for minutes in ("99999", "241", "0", "-1", "10" * 20):
            with self.subTest(minutes):
                response = self.post_draft(minutes=minutes)
                self.assertIn("minutes", response.context["adminform"].form.errors)
        self.draft.refresh_from_db()
        self.assertEqual(self.draft.minutes, 2)

    def test_a_step_position_beyond_the_bound_is_a_form_error(self):
        response = self.post_draft(**{"steps-0-position": "99999"})
        self.assertContains(response, "less than or equal to 9999")
        self.assertFalse(self.draft.steps.filter(position=99999).exists())

    def test_the_bounds_themselves_are_accepted(self):
        response = self.client.post(
            change_url(self.draft),
            {**self.form_data, "minutes": "240", "steps-0-position": "9999"},
        )
        self.assertRedirects(response, change_url(self.draft))
        self.assertTrue(self.draft.steps.filter(position=9999).exists())

    def test_a_platform_position_beyond_the_bound_is_a_form_error(self):
        self.client.force_login(make_user(is_superuser=True))
        data = {"name": "Example", "slug": "example", "position": "32768"}
        response = self.client.post(reverse("admin:guides_platform_add"), data)
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "less than or equal to 9999")
        self.assertFalse(Platform.objects.filter(slug="example").exists())

    def test_an_absurd_version_number_fails_validation_not_the_database(self):
        version = GuideVersion(guide=self.guide, number=10**30, title_de="Zu groß")
        with self.assertRaises(ValidationError) as refused:
            version.full_clean()
        self.assertIn("number", refused.exception.message_dict)
