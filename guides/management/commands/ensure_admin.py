"""Create a superuser for local development, once."""

import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

USERNAME = "admin"


class Command(BaseCommand):
    help = (
        f"Create the superuser '{USERNAME}' with a random password if no superuser exists yet. "
        "A local-development convenience: refuses to run with DEBUG off unless --force."
    )

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="Run even though DEBUG is off.")

    def handle(self, *args, force=False, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "ensure_admin is for local development and DEBUG is off; "
                "use 'manage.py createsuperuser', or --force if you mean it."
            )
        User = get_user_model()
        superuser = User.objects.filter(is_superuser=True).order_by("pk").first()
        if superuser:
            self.stdout.write(
                f"A superuser already exists ({superuser.get_username()}); nothing changed."
            )
            return
        if User.objects.filter(**{User.USERNAME_FIELD: USERNAME}).exists():
            raise CommandError(
                f"A user '{USERNAME}' exists but is not a superuser; "
                "change it in the admin or with 'manage.py createsuperuser'."
            )

        password = secrets.token_urlsafe(16)
        User.objects.create_superuser(USERNAME, email="", password=password)
        self.stdout.write(
            self.style.SUCCESS(f"Created superuser '{USERNAME}' with password: {password}")
        )
        self.stdout.write(
            "The password is shown only this once. "
            f"To set your own: DJANGO_DEBUG=1 .venv/bin/python manage.py changepassword {USERNAME}"
        )
