from django.core.management.commands import makemessages


class Command(makemessages.Command):
    """Django's makemessages, without gettext's guesses: a new string gets an empty
    translation, not a fuzzy one copied from a similar string ("upstream version" had been
    given French for "Compare versions"). Fuzzy entries are never used, but they read as
    nearly done to a translator."""

    msgmerge_options = [*makemessages.Command.msgmerge_options, "--no-fuzzy-matching"]
