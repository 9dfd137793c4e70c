"""Two people editing the same draft: the later save based on an old state is refused."""

import threading
import time
from unittest import mock, skipUnless

from django.db import connection
from django.test import TransactionTestCase

from guides.forms import GuideVersionForm
from guides.models import Step

from .admin_helpers import (
    AdminTestCase,
    EnglishClient,
    change_form_data,
    change_url,
)
from .helpers import TemporaryMediaMixin, make_guide, make_platform, make_screenshot, make_user


def _edit_step(data, screenshot):
    data["steps-0-instruction_de"] = "Von A geändert"


def _add_step(data, screenshot):
    data["steps-TOTAL_FORMS"] = "3"
    data.update(
        {
            "steps-2-position": "3",
            "steps-2-device": "app",
            "steps-2-instruction_de": "Neuer Schritt von A",
            "steps-2-version": data["steps-0-version"],
        }
    )


def _remove_step(data, screenshot):
    data["steps-1-DELETE"] = "on"


def _reorder_steps(data, screenshot):
    data["steps-0-position"], data["steps-1-position"] = "2", "1"


def _change_source(data, screenshot):
    data["sources-0-url"] = "https://example.org/a"


def _set_screenshot(data, screenshot):
    data["steps-0-screenshot_de"] = str(screenshot.pk)
    data["steps-0-screenshot_alt_de"] = "Der Schalter steht auf Aus."


class AdminConflictTests(TemporaryMediaMixin, AdminTestCase):
    @classmethod
    def setUpTestData(cls):
        cls.anna = make_user("anna", groups=["Editor"])
        cls.ben = make_user("ben", groups=["Editor"])
        cls.translator = make_user("tina", groups=["Translator"])
        cls.platform = make_platform()
        cls.screenshot = make_screenshot()

    def make_draft(self):
        return make_guide(platform=self.platform, published=False).versions.get()

    def load(self, user, draft):
        self.client.force_login(user)
        return change_form_data(self.client.get(change_url(draft)))

    def save(self, user, draft, data):
        self.client.force_login(user)
        return self.client.post(change_url(draft), data)

    def test_title_edit_is_refused_after_a_colleague_edited_a_step(self):
        draft = self.make_draft()
        loaded = draft.revision
        anna_form, ben_form = self.load(self.anna, draft), self.load(self.ben, draft)
        anna_form["steps-0-instruction_de"] = "Von Anna geändert"
        self.assertRedirects(self.save(self.anna, draft, anna_form), change_url(draft))

        ben_form["title_de"] = "Bens neuer Titel"
        response = self.save(self.ben, draft, ben_form)

        self.assertContains(response, "Anna saved this draft on")
        self.assertContains(response, "reload the page")
        self.assertContains(response, 'value="Bens neuer Titel"')  # Ben's input is not lost
        draft.refresh_from_db()
        self.assertNotEqual(draft.title_de, "Bens neuer Titel")
        self.assertEqual(draft.steps.first().instruction_de, "Von Anna geändert")
        self.assertEqual((draft.revision, draft.updated_by), (loaded + 1, self.anna))

    def test_every_kind_of_change_to_the_draft_refuses_an_older_save(self):
        changes = (
            _edit_step, _add_step, _remove_step, _reorder_steps, _change_source, _set_screenshot,
        )  # fmt: skip
        for change in changes:
            with self.subTest(change.__name__):
                draft = self.make_draft()
                anna_form, ben_form = self.load(self.anna, draft), self.load(self.ben, draft)
                change(anna_form, self.screenshot)
                self.assertEqual(self.save(self.anna, draft, anna_form).status_code, 302)
                saved = self.snapshot(draft)

                ben_form["title_de"] = "Bens Titel"
                ben_form["steps-0-instruction_de"] = "Bens Schritt"
                self.assertContains(self.save(self.ben, draft, ben_form), "saved this draft on")
                self.assertEqual(self.snapshot(draft), saved)

    def snapshot(self, draft):
        draft.refresh_from_db()
        steps = Step.objects.filter(version=draft).order_by("position", "id")
        return (
            draft.title_de,
            draft.revision,
            [(s.key, s.position, s.instruction_de, s.screenshot_de_id) for s in steps],
            list(draft.sources.values_list("url", flat=True)),
        )

    def test_saving_again_after_reloading_works(self):
        draft = self.make_draft()
        loaded = draft.revision
        anna_form, ben_form = self.load(self.anna, draft), self.load(self.ben, draft)
        self.save(self.anna, draft, anna_form)
        self.save(self.ben, draft, ben_form)  # refused

        ben_form = self.load(self.ben, draft)
        ben_form["title_de"] = "Bens Titel"
        self.assertRedirects(self.save(self.ben, draft, ben_form), change_url(draft))
        draft.refresh_from_db()
        self.assertEqual(
            (draft.title_de, draft.revision, draft.updated_by),
            ("Bens Titel", loaded + 2, self.ben),
        )

    def test_a_translation_saved_in_between_refuses_the_editors_save(self):
        draft = self.make_draft()
        editor_form = self.load(self.anna, draft)
        translator_form = self.load(self.translator, draft)
        translator_form["title_fr"] = "Guide en français"
        self.assertEqual(self.save(self.translator, draft, translator_form).status_code, 302)

        editor_form["title_fr"] = ""
        self.assertContains(self.save(self.anna, draft, editor_form), "Tina saved this draft")
        draft.refresh_from_db()
        self.assertEqual(draft.title_fr, "Guide en français")

    def test_a_form_without_the_loaded_revision_is_refused(self):
        draft = self.make_draft()
        data = self.load(self.anna, draft)
        del data["loaded_revision"]
        data["title_de"] = "Ohne Revision"
        self.assertContains(self.save(self.anna, draft, data), "saved this draft")
        draft.refresh_from_db()
        self.assertNotEqual(draft.title_de, "Ohne Revision")

    def test_saving_a_draft_that_was_published_meanwhile_explains_what_happened(self):
        draft = self.make_draft()
        form = self.load(self.anna, draft)
        draft.publish()
        form["title_de"] = "Zu spät"
        form["steps-0-instruction_de"] = "Mein neuer Schritt"
        response = self.client.post(change_url(draft), form)
        self.assertContains(response, "was published while you were editing it", status_code=409)
        # Nothing typed is lost: the page shows it, with a way to a new draft.
        self.assertContains(response, "Zu spät</textarea>", status_code=409)
        self.assertContains(response, "Mein neuer Schritt</textarea>", status_code=409)
        self.assertContains(response, 'value="new_draft"', status_code=409)
        draft.refresh_from_db()
        self.assertNotEqual(draft.title_de, "Zu spät")

    def test_publishing_a_draft_a_colleague_published_meanwhile_keeps_the_input(self):
        publisher = make_user("pia", groups=["Publisher"])
        draft = self.make_draft()
        form = self.load(publisher, draft)
        draft.publish()
        form.update({"title_de": "Auch zu spät", "_publish": "1"})
        response = self.save(publisher, draft, form)
        self.assertContains(response, "Auch zu spät</textarea>", status_code=409)


_clean = GuideVersionForm.clean


def _slow_clean(form):
    # Widen the window between reading the draft and saving it, where a second save could slip
    # in if the row were not locked.
    time.sleep(0.3)
    return _clean(form)


@skipUnless(
    connection.vendor == "postgresql",
    "the in-memory SQLite test database cannot be shared by two threads writing at once",
)
class SimultaneousSaveTests(TransactionTestCase):
    def test_of_two_saves_at_the_same_moment_exactly_one_wins(self):
        draft = make_guide(published=False).versions.get()
        clients = []
        for name in ("anna", "ben"):
            client = EnglishClient()
            client.force_login(make_user(name, groups=["Editor"]))
            data = change_form_data(client.get(change_url(draft)))
            data["title_de"] = f"Titel von {name}"
            clients.append((client, data))

        statuses = []

        def save(client, data):
            statuses.append(client.post(change_url(draft), data).status_code)
            connection.close()

        with mock.patch.object(GuideVersionForm, "clean", _slow_clean):
            threads = [threading.Thread(target=save, args=pair) for pair in clients]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()

        loaded = draft.revision
        draft.refresh_from_db()
        self.assertEqual(sorted(statuses), [200, 302])
        self.assertEqual(draft.revision, loaded + 1)
