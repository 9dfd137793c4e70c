"""Tampered admin POSTs get a message or a 4xx, never a server error, and change nothing."""

from django.urls import reverse

from guides.models import GuideVersion

from .admin_helpers import AdminTestCase, change_url
from .helpers import TemporaryMediaMixin, make_guide, make_screenshot, make_user

BAD_IDS = (str(10**30), "abc", "-1", "1.5", "", "9223372036854775808", "1e3", "\x00")


class TamperedActionTests(TemporaryMediaMixin, AdminTestCase):
    @classmethod
    def setUpTestData(cls):
        cls.admin = make_user(is_superuser=True)
        cls.guide = make_guide()
        cls.draft = cls.guide.new_draft()
        cls.screenshot = make_screenshot()

    def setUp(self):
        self.client.force_login(self.admin)

    def assert_nothing_changed(self):
        self.assertEqual(
            list(GuideVersion.objects.values_list("number", "status").order_by("number")),
            [(1, "published"), (2, "draft")],
        )

    def test_list_actions_with_bad_ids_say_so(self):
        lists = {
            "guideversion": ("publish", "new_draft", "mark_verified", "delete_selected"),
            "guide": ("new_draft", "delete_selected"),
            "screenshot": ("delete_selected",),
            "platform": ("delete_selected",),
            "region": ("delete_selected",),
        }
        for model, actions in lists.items():
            url = reverse(f"admin:guides_{model}_changelist")
            for action in actions:
                for bad in BAD_IDS:
                    with self.subTest(model=model, action=action, id=bad):
                        data = {"action": action, "_selected_action": [bad], "index": "0"}
                        response = self.client.post(url, data, follow=True)
                        self.assertEqual(response.status_code, 200)
                        self.assertContains(response, "No items have been changed.")
        self.assert_nothing_changed()

    def test_a_good_id_beside_a_bad_one_changes_nothing_either(self):
        url = reverse("admin:guides_guideversion_changelist")
        data = {"action": "publish", "_selected_action": [str(self.draft.pk), str(10**30)]}
        response = self.client.post(url, data, follow=True)
        self.assertContains(response, "No items have been changed.")
        self.assert_nothing_changed()

    def test_change_page_buttons_with_bad_ids_say_so(self):
        for action in ("publish", "new_draft"):
            for bad in BAD_IDS:
                with self.subTest(action=action, id=bad):
                    data = {"_selected_action": bad, "CHANGE_FORM-action": action}
                    response = self.client.post(change_url(self.draft), data, follow=True)
                    self.assertLess(response.status_code, 500)
        self.assert_nothing_changed()

    def test_a_bad_action_index_is_ignored(self):
        url = reverse("admin:guides_guideversion_changelist")
        for index in ("abc", str(10**30), "-5"):
            with self.subTest(index):
                data = {"action": "new_draft", "_selected_action": "abc", "index": index}
                response = self.client.post(url, data, follow=True)
                self.assertEqual(response.status_code, 200)
        self.assert_nothing_changed()
