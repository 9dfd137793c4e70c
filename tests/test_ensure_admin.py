from io import StringIO

from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.test import TestCase, override_settings

User = get_user_model()


def ensure_admin(*args):
    out = StringIO()
    call_command("ensure_admin", *args, stdout=out)
    return out.getvalue()


@override_settings(DEBUG=True)
class EnsureAdminTests(TestCase):
    def test_creates_admin_with_the_printed_password_when_no_superuser_exists(self):
        output = ensure_admin()

        password = output.split("password: ", 1)[1].split()[0]
        user = User.objects.get(username="admin")
        self.assertTrue(user.check_password(password))
        self.assertTrue(user.is_superuser)
        self.assertTrue(user.is_staff)
        self.assertIn("manage.py changepassword admin", output)

    def test_passwords_differ_between_fresh_databases(self):
        first = ensure_admin().split("password: ", 1)[1].split()[0]
        User.objects.all().delete()
        second = ensure_admin().split("password: ", 1)[1].split()[0]

        self.assertNotEqual(first, second)
        self.assertGreaterEqual(len(first), 20)

    def test_existing_superuser_is_left_unchanged(self):
        User.objects.create_superuser("editor-in-chief", password="kept-as-it-was")

        output = ensure_admin()

        self.assertIn("already exists", output)
        self.assertNotIn("password:", output)
        self.assertEqual(User.objects.count(), 1)
        user = User.objects.get(username="editor-in-chief")
        self.assertTrue(user.check_password("kept-as-it-was"))

    def test_running_twice_creates_one_admin(self):
        ensure_admin()
        output = ensure_admin()

        self.assertIn("already exists (admin)", output)
        self.assertEqual(User.objects.filter(is_superuser=True).count(), 1)

    def test_plain_user_named_admin_is_not_promoted(self):
        User.objects.create_user("admin", password="not-a-superuser")

        with self.assertRaisesMessage(CommandError, "not a superuser"):
            ensure_admin()
        self.assertFalse(User.objects.get(username="admin").is_superuser)

    @override_settings(DEBUG=False)
    def test_refuses_to_run_when_debug_is_off(self):
        with self.assertRaisesMessage(CommandError, "DEBUG is off"):
            ensure_admin()
        self.assertFalse(User.objects.exists())

    @override_settings(DEBUG=False)
    def test_force_creates_admin_when_debug_is_off(self):
        ensure_admin("--force")

        self.assertTrue(User.objects.filter(username="admin", is_superuser=True).exists())
