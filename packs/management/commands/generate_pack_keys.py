"""Make the Ed25519 key pair an instance signs its offered pack with."""

import os

from django.core.management.base import BaseCommand, CommandError

from packs import signing


class Command(BaseCommand):
    help = (
        "Write a new Ed25519 private key (PEM) to PATH, readable only by its owner, and print "
        "the public key for the instances that follow this one (UPSTREAM_PUBLIC_KEY). Set "
        "PACK_SIGNING_KEY_FILE=PATH to offer a signed pack at /packs/latest.zip."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="Where to write the private key; must not exist yet.")

    def handle(self, *args, path, **options):
        pem, public = signing.new_private_key_pem()
        try:
            descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            raise CommandError(f"{path} exists already; it was left as it is.") from None
        except OSError as error:
            raise CommandError(f"{path}: cannot be written ({error.strerror})") from None
        with os.fdopen(descriptor, "wb") as file:
            file.write(pem)
        self.stdout.write(f"Private key written to {path} (keep it secret).")
        self.stdout.write(f"UPSTREAM_PUBLIC_KEY={public}")
