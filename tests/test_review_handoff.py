"""Publishing from a draft's form saves the input first; the review hand-off between editor
and publisher."""

from datetime import timedelta

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import override

from guides.groups import ensure_groups
from guides.models import GuideVersion

from .admin_helpers import AdminTestCase, change_form_data, change_url
from .helpers import make_guide, make_user
from .test_dashboard import section


class PublishFromTheFormTests(AdminTestCase):
    @classmethod
    def setUpTestData(cls):
        ensure_groups()
        cls.publisher = make_user("pia", groups=["Publisher"])
        cls.guide = make_guide()

    def setUp(self):
        self.client.force_login(self.publisher)
        self.draft = self.guide.new_draft(by=self.publisher)

    def form(self, **changes):
        data = change_form_data(self.client.get(change_url(self.draft)))
        del data["_continue"]
        data.update(changes)
        return data

    def test_publish_saves_what_was_typed_and_publishes_it(self):
        data = self.form(
            _publish="1", change_note_de="Menü verschoben.", **{"steps-0-menu_path_de": "A › B"}
        )
        response = self.client.post(change_url(self.draft), data, follow=True)
        self.assertContains(response, "Published")
        self.draft.refresh_from_db()
        self.assertEqual(self.draft.status, GuideVersion.Status.PUBLISHED)
        self.assertEqual(self.draft.change_note_de, "Menü verschoben.")
        self.assertEqual(self.draft.steps.first().menu_path_de, "A › B")

    def test_refused_publish_keeps_the_input_and_says_what_is_missing(self):
        data = self.form(_publish="1", **{"steps-0-instruction_de": "Neuer Schritt"})
        response = self.client.post(change_url(self.draft), data, follow=True)
        self.assertContains(response, "It needs a German change note")
        self.assertContains(response, "Your changes were saved.")
        self.assertContains(response, "Neuer Schritt")
        self.draft.refresh_from_db()
        self.assertEqual(self.draft.status, GuideVersion.Status.DRAFT)
        self.assertEqual(self.draft.steps.first().instruction_de, "Neuer Schritt")

    def test_a_form_error_publishes_nothing_and_keeps_the_input(self):
        data = self.form(_publish="1", change_note_de="Neu.", minutes_0="", minutes="abc")
        response = self.client.post(change_url(self.draft), data)
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, 'value="Neu."', count=0)  # a textarea, not an input
        self.assertContains(response, "Neu.</textarea>")
        self.draft.refresh_from_db()
        self.assertEqual(self.draft.status, GuideVersion.Status.DRAFT)


class ReviewHandOffTests(AdminTestCase):
    @classmethod
    def setUpTestData(cls):
        ensure_groups()
        cls.editor = make_user("erik", groups=["Editor"])
        cls.publisher = make_user("pia", groups=["Publisher"])
        cls.guide = make_guide()

    def setUp(self):
        self.draft = self.guide.new_draft(by=self.editor)

    def post(self, user, **changes):
        self.client.force_login(user)
        data = change_form_data(self.client.get(change_url(self.draft)))
        del data["_continue"]
        data.update(changes)
        return self.client.post(change_url(self.draft), data, follow=True)

    def dashboard(self, user):
        self.client.force_login(user)
        return self.client.get(reverse("admin:index"))

    def test_editor_asks_for_review_and_the_publisher_sees_it_on_the_dashboard(self):
        response = self.post(self.editor, _request_review="1", title_de="Neuer Titel")
        self.assertContains(response, "is waiting for a publisher")
        self.draft.refresh_from_db()
        self.assertEqual(self.draft.review, GuideVersion.Review.READY)
        self.assertEqual(self.draft.review_requested_by, self.editor)
        self.assertEqual(self.draft.title_de, "Neuer Titel")  # saved first

        waiting = section(self.dashboard(self.publisher), "Waiting for a publisher")
        self.assertIn(change_url(self.draft), waiting)
        self.assertIn("asked for by erik", waiting)

    def test_publisher_sends_it_back_with_a_note_the_editor_sees(self):
        self.draft.request_review(by=self.editor)
        response = self.post(self.publisher, _send_back="1", send_back_note="Schritt 2 fehlt.")
        self.assertContains(response, "was sent back")
        self.draft.refresh_from_db()
        self.assertEqual(
            (self.draft.review, self.draft.sent_back_by, self.draft.sent_back_note),
            (GuideVersion.Review.SENT_BACK, self.publisher, "Schritt 2 fehlt."),
        )
        self.client.force_login(self.editor)
        self.assertContains(self.client.get(change_url(self.draft)), "Schritt 2 fehlt.")
        back = section(self.dashboard(self.editor), "Sent back")
        self.assertIn("sent back by pia", back)
        self.assertIn("Schritt 2 fehlt.", back)

    def test_sending_back_without_a_note_is_a_form_error_and_keeps_the_input(self):
        self.draft.request_review(by=self.editor)
        response = self.post(self.publisher, _send_back="1", title_de="Pias Titel")
        self.assertContains(response, "Say in a note what the editor should change.")
        self.assertContains(response, 'value="Pias Titel"')
        self.draft.refresh_from_db()
        self.assertEqual(self.draft.review, GuideVersion.Review.READY)

    def test_only_publishers_see_send_back_and_publish(self):
        self.draft.request_review(by=self.editor)
        self.client.force_login(self.editor)
        page = self.client.get(change_url(self.draft))
        self.assertNotContains(page, 'name="_send_back"')
        self.assertNotContains(page, 'name="_publish"')
        self.assertNotContains(page, 'name="send_back_note"')
        self.client.force_login(self.publisher)
        page = self.client.get(change_url(self.draft))
        self.assertContains(page, 'name="_send_back"')
        self.assertContains(page, 'name="_publish"')

    def test_an_editor_cannot_send_back_or_publish_by_a_crafted_post(self):
        self.draft.request_review(by=self.editor)
        for button in ("_send_back", "_publish"):
            with self.subTest(button):
                response = self.post(self.editor, send_back_note="x", **{button: "1"})
                self.assertEqual(response.status_code, 403)
        self.draft.refresh_from_db()
        self.assertEqual(
            (self.draft.review, self.draft.status),
            (GuideVersion.Review.READY, GuideVersion.Status.DRAFT),
        )

    def test_publishing_ends_the_review(self):
        self.draft.request_review(by=self.editor)
        self.post(self.publisher, _publish="1", change_note_de="Geprüft.")
        self.draft.refresh_from_db()
        self.assertEqual(self.draft.status, GuideVersion.Status.PUBLISHED)
        self.assertEqual(self.draft.review, GuideVersion.Review.NONE)
        waiting = section(self.dashboard(self.publisher), "Waiting for a publisher")
        self.assertNotIn(change_url(self.draft), waiting)

    def test_a_new_draft_starts_without_the_review_of_the_one_before(self):
        self.draft.request_review(by=self.editor)
        self.draft.change_note_de = "Neu."
        self.draft.save()
        self.draft.publish()
        self.assertEqual(self.guide.new_draft().review, GuideVersion.Review.NONE)


class SentBackTests(AdminTestCase):
    """Each editor sees what was sent back to them; a publisher, what they sent back."""

    @classmethod
    def setUpTestData(cls):
        ensure_groups()
        cls.erik = make_user("erik", groups=["Editor"])
        cls.emma = make_user("emma", groups=["Editor"])
        cls.pia = make_user("pia", groups=["Publisher"])
        cls.eriks = cls.sent_back(cls.erik, "Eriks Anleitung", "Schritt 2 fehlt.")
        cls.emmas = cls.sent_back(cls.emma, "Emmas Anleitung", "Quelle fehlt.")

    @classmethod
    def sent_back(cls, editor, title, note):
        draft = make_guide(title_de=title, title_en=title).new_draft(by=editor)
        draft.request_review(by=editor)
        draft.send_back(by=cls.pia, note=note)
        return draft

    def sent_back_section(self, user):
        self.client.force_login(user)
        return section(self.client.get(reverse("admin:index")), "Sent back")

    def test_an_editor_sees_only_the_drafts_sent_back_to_them(self):
        eriks = self.sent_back_section(self.erik)
        self.assertIn(change_url(self.eriks), eriks)
        self.assertIn("sent back by pia", eriks)
        self.assertIn("Schritt 2 fehlt.", eriks)
        self.assertNotIn(change_url(self.emmas), eriks)
        self.assertNotIn("Quelle fehlt.", eriks)

        emmas = self.sent_back_section(self.emma)
        self.assertIn(change_url(self.emmas), emmas)
        self.assertNotIn(change_url(self.eriks), emmas)

    def test_the_publisher_sees_what_they_sent_back_waiting_for_each_editor(self):
        back = self.sent_back_section(self.pia)
        self.assertIn(change_url(self.eriks), back)
        self.assertIn("waiting for erik, sent back by you", back)
        self.assertIn(change_url(self.emmas), back)
        self.assertIn("waiting for emma, sent back by you", back)

    def test_another_publisher_does_not_see_what_pia_sent_back(self):
        paul = make_user("paul", groups=["Publisher"])
        self.assertIn("Nothing to do.", self.sent_back_section(paul))

    def test_asking_for_review_again_takes_it_off_both_dashboards(self):
        self.eriks.request_review(by=self.erik)
        self.assertNotIn(change_url(self.eriks), self.sent_back_section(self.erik))
        self.assertNotIn(change_url(self.eriks), self.sent_back_section(self.pia))

    def test_a_draft_whose_editor_left_is_sent_back_to_every_editor(self):
        self.erik.delete()
        self.assertIn(change_url(self.eriks), self.sent_back_section(self.emma))

    def test_the_drafts_sent_back_to_you_come_before_those_you_sent_back(self):
        pias = make_guide(title_de="Pias Anleitung", title_en="Pias guide").new_draft(by=self.pia)
        pias.request_review(by=self.pia)
        pias.send_back(by=make_user(groups=["Publisher"]), note="Titel kürzen.")
        earlier = timezone.now() - timedelta(days=1)
        GuideVersion.objects.filter(pk=pias.pk).update(sent_back_at=earlier)
        back = self.sent_back_section(self.pia)
        self.assertLess(back.index(change_url(pias)), back.index(change_url(self.emmas)))
        self.assertIn("Titel kürzen.", back)


class ReviewRuleTests(AdminTestCase):
    def setUp(self):
        super().setUp()
        # The rules' messages are sentences in the editor's language.
        self.enterContext(override("en"))

    def test_only_drafts_can_be_handed_off(self):
        published = make_guide().published_version
        with self.assertRaisesMessage(Exception, "no longer a draft"):
            published.request_review()
        with self.assertRaisesMessage(Exception, "no longer a draft"):
            published.send_back(note="Nein.")

    def test_the_database_refuses_a_review_state_on_a_published_version(self):
        published = make_guide().published_version
        with self.assertRaises(IntegrityError), transaction.atomic():
            GuideVersion.objects.filter(pk=published.pk).update(review="ready")

    def test_the_database_refuses_sending_back_without_a_note(self):
        draft = make_guide(published=False).versions.get()
        with self.assertRaises(IntegrityError), transaction.atomic():
            GuideVersion.objects.filter(pk=draft.pk).update(review="sent_back")

    def test_send_back_needs_a_note(self):
        draft = make_guide(published=False).versions.get()
        with self.assertRaisesMessage(Exception, "Say in a note"):
            draft.send_back(note="  ")
