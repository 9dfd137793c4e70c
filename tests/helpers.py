"""Small builders for test data (saved objects with sensible defaults), image bytes, a
temporary media folder, and requests through the WSGI application."""

import dataclasses
import io
import shutil
import struct
import tempfile
import zlib
from functools import cache
from itertools import count

from django.contrib.auth.models import Group, User
from django.core.cache import caches
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import RequestFactory, override_settings
from PIL import Image, PngImagePlugin

from guides import fragments
from guides.models import Guide, GuideVersion, Platform, Region, Screenshot, Source, Step

_numbers = count(1)


class TemporaryMediaMixin:
    """Uploads go to a temporary MEDIA_ROOT that is removed after the test class."""

    @classmethod
    def setUpClass(cls):
        media = tempfile.mkdtemp(prefix="test-media-")
        cls.addClassCleanup(shutil.rmtree, media, ignore_errors=True)
        cls.enterClassContext(override_settings(MEDIA_ROOT=media))
        super().setUpClass()


def image_bytes(image_format="PNG", size=(40, 30), color="red", **save_options):
    """A real image of one colour, as the bytes of a file (PNG unless told otherwise)."""
    output = io.BytesIO()
    Image.new("RGB", size, color).save(output, format=image_format, **save_options)
    return output.getvalue()


def jpeg_with_gps(size=(60, 40), color="blue"):
    """A JPEG carrying what a phone writes: GPS position, camera make and model, a comment,
    and an orientation tag saying it must be turned 90° to be upright."""
    exif = Image.Exif()
    exif[0x010F], exif[0x0110], exif[0x0112] = "Camera Maker", "Model X", 6
    exif[0x8825] = {1: "N", 2: (52.0, 31.0, 12.5), 3: "E", 4: (13.0, 24.0, 1.0)}
    return image_bytes("JPEG", size, color, exif=exif, comment=b"Jane Doe's phone")


def png_with_text(size=(40, 30), color="green"):
    """A PNG with author and e-mail text chunks and HTML appended after its end."""
    info = PngImagePlugin.PngInfo()
    info.add_text("Author", "Jane Doe")
    info.add_itxt("E-mail", "jane@example.com")
    return image_bytes("PNG", size, color, pnginfo=info) + b"<html>Jane Doe</html>"


def _chunk(kind, data):
    body = kind + data
    return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))


def huge_png(width, height):
    """A valid PNG header announcing width × height pixels, followed by one compressed row.

    A few hundred bytes on disk; decoding it fully would need width × height × 3 bytes.
    """
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    rows = zlib.compress(b"\x00" + b"\x00" * width * 3)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", rows)
        + _chunk(b"IEND", b"")
    )


@cache
def black_png(width, height):
    """A valid 1-bit PNG of width x height black pixels, built without holding it decoded.

    Zeros compress about a thousand times, so 30000 x 30000 pixels are about 110 KB of file.
    """
    row = bytes(1 + (width + 7) // 8)  # filter byte, then the pixels
    compressor = zlib.compressobj(9)
    chunks = [compressor.compress(row) for _ in range(height)]
    idat = b"".join(chunks) + compressor.flush()
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    signature = b"\x89PNG\r\n\x1a\n"
    return signature + _chunk(b"IHDR", header) + _chunk(b"IDAT", idat) + _chunk(b"IEND", b"")


def padded_png(size):
    """A small valid PNG grown to `size` bytes by a private ancillary chunk, which viewers skip."""
    image = black_png(8, 8)
    padding = size - len(image) - 12
    end = image.rindex(b"IEND") - 4
    return image[:end] + _chunk(b"prVt", bytes(padding)) + image[end:]


NOT_AN_IMAGE = "not a complete PNG, JPEG or WebP image"


def bad_image_files():
    """Files an editor might try as a screenshot and that must be refused.

    (what it is, file name, bytes, words of the expected message). Every name claims an accepted
    format, so a refusal can only come from reading the content.
    """
    png = image_bytes("PNG", size=(200, 150), color="blue")
    jpeg = image_bytes("JPEG", size=(200, 150), color="blue")
    webp = image_bytes("WEBP", size=(200, 150), color="blue")
    broken_crc = bytearray(png)
    broken_crc[29] ^= 0xFF  # the IHDR chunk's checksum
    scrambled = png[:60] + bytes(byte ^ 0x5A for byte in png[60:-12]) + png[-12:]
    heic = b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + b"\x00" * 64
    svg = b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><script/></svg>'
    too_large = image_bytes(size=(10, 10)) + b"\0" * (10 * 1024 * 1024)
    return [
        ("SVG", "schalter.png", svg, NOT_AN_IMAGE),
        ("GIF", "schalter.png", image_bytes("GIF"), NOT_AN_IMAGE),
        ("HEIC", "schalter.jpg", heic, NOT_AN_IMAGE),
        ("PDF", "schalter.png", b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n", NOT_AN_IMAGE),
        ("HTML renamed", "schalter.png", b"<html><script>alert(1)</script></html>", NOT_AN_IMAGE),
        ("HTML before a PNG", "schalter.png", b"<html>" + png, NOT_AN_IMAGE),
        ("BMP", "schalter.webp", image_bytes("BMP"), NOT_AN_IMAGE),
        ("TIFF", "schalter.png", image_bytes("TIFF"), NOT_AN_IMAGE),
        ("ICO", "schalter.png", image_bytes("ICO", size=(16, 16)), NOT_AN_IMAGE),
        ("truncated PNG", "schalter.png", png[: len(png) // 2], NOT_AN_IMAGE),
        ("truncated JPEG", "schalter.jpg", jpeg[: len(jpeg) // 2], NOT_AN_IMAGE),
        ("truncated WebP", "schalter.webp", webp[: len(webp) // 2], NOT_AN_IMAGE),
        ("PNG signature only", "schalter.png", png[:8], NOT_AN_IMAGE),
        ("JPEG start marker only", "schalter.jpg", b"\xff\xd8\xff", NOT_AN_IMAGE),
        ("PNG with a broken checksum", "schalter.png", bytes(broken_crc), NOT_AN_IMAGE),
        ("PNG with scrambled pixels", "schalter.png", scrambled, NOT_AN_IMAGE),
        ("random bytes", "schalter.png", bytes(range(256)) * 4, NOT_AN_IMAGE),
        ("empty file", "schalter.png", b"", "The submitted file is empty."),
        ("no pixels", "schalter.png", huge_png(0, 0), NOT_AN_IMAGE),
        ("no rows", "schalter.png", huge_png(640, 0), NOT_AN_IMAGE),
        ("decompression bomb", "schalter.png", huge_png(30000, 30000), "more pixels than"),
        ("just over the pixel limit", "schalter.png", huge_png(8000, 5001), "more pixels than"),
        ("over the byte limit", "schalter.png", too_large, "images may have at most 10.0"),
    ]


def forget_kept_parts():
    """Empty the fragment cache (guides/fragments.py): the next page is rendered as the first one
    after a deploy, from the database alone."""
    caches["fragments"].clear()
    fragments.pages_in_memory.clear()
    fragments.results_in_memory.clear()


def make_user(username=None, groups=(), **fields):
    """A staff user, member of the named groups (e.g. "Editor", "Publisher")."""
    user = User.objects.create_user(
        username=username or f"user{next(_numbers)}", password="pw", is_staff=True, **fields
    )
    user.groups.set(Group.objects.filter(name__in=groups))
    return user


def make_platform(name="LinkedIn", slug=None, **fields):
    return Platform.objects.create(name=name, slug=slug or name.lower(), **fields)


def make_region(code="eu-eea", name_de="EU/EWR", name_en="EU/EEA"):
    return Region.objects.get_or_create(
        code=code, defaults={"name_de": name_de, "name_en": name_en}
    )[0]


def make_screenshot(color="red", size=(40, 30), **fields):
    """A real PNG image stored the way uploads are (by content hash)."""
    return Screenshot.store(io.BytesIO(image_bytes(size=size, color=color)), **fields)


def make_guide(platform=None, slug=None, published=True, steps=2, by=None, **version_fields):
    """A guide with one version (published unless published=False) and `steps` steps.

    version_fields go to the version, e.g. title_de="…", title_en="…".
    """
    n = next(_numbers)
    platform = platform or Platform.objects.filter(slug="linkedin").first() or make_platform()
    guide = Guide.objects.create(platform=platform, slug=slug or f"guide-{n}")
    version = guide.new_draft(by=by)
    defaults = {
        "title_de": f"Anleitung {n}",
        "title_en": f"Guide {n}",
        "summary_de": "Eine Einstellung abschalten.",
        "summary_en": "Switch a setting off.",
        "deep_link": "https://www.example.com/settings",
    }
    for name, value in {**defaults, **version_fields}.items():
        setattr(version, name, value)
    version.save()
    for position in range(1, steps + 1):
        add_step(version, position=position)
    Source.objects.create(version=version, url="https://example.com/article", title="Example")
    # Fresh content is translated as it is written: its translations are confirmed, not outdated.
    version.confirm_translations()
    if published:
        version.publish(by=by)
        guide.refresh_from_db()
    return guide


def add_step(version, position=1, **fields):
    defaults = {
        "instruction_de": f"Schritt {position}",
        "instruction_en": f"Step {position}",
        "menu_path_de": "Einstellungen › Datenschutz",
        "menu_path_en": "Settings › Data privacy",
        "target_value_de": "Aus",
        "target_value_en": "Off",
    }
    return Step.objects.create(version=version, position=position, **{**defaults, **fields})


def publish_draft(guide, by=None, **fields):
    """Open the guide's draft, set `fields` (a German change note by default) and publish it."""
    draft = guide.new_draft(by=by)
    before = draft.translation_texts()
    for name, value in {"change_note_de": "Überarbeitet.", **fields}.items():
        setattr(draft, name, value)
    draft.save()
    # As the admin does: translations typed in this edit are confirmed for its German text.
    draft.confirm_translations(before=before)
    draft.publish(by=by)
    return draft


def make_guide_showing(screenshot, alt_de="Menü"):
    """A published guide whose one step shows `screenshot` in German."""
    guide = make_guide(steps=0, published=False)
    add_step(guide.draft, screenshot_de=screenshot, screenshot_alt_de=alt_de)
    guide.draft.publish()
    guide.refresh_from_db()
    return guide


def published_copies(guide, count, platform=None):
    """`count` more guides published like `guide` (on `platform`, default the same), written
    in bulk: publishing hundreds one by one takes a minute. They are not in the search index
    until `rebuild_search_index` runs."""
    version = guide.published_version
    guides = Guide.objects.bulk_create(
        Guide(platform=platform or guide.platform, slug=f"copy-{guide.pk}-{next(_numbers)}")
        for _ in range(count)
    )
    skip = {"id", "guide_id", "version_id"}
    fields = {
        f.attname: getattr(version, f.attname)
        for f in GuideVersion._meta.concrete_fields
        if f.attname not in skip
    }
    versions = GuideVersion.objects.bulk_create(GuideVersion(**fields, guide=g) for g in guides)
    for copy, copied_version in zip(guides, versions, strict=True):
        copy.published_version = copied_version
    Guide.objects.bulk_update(guides, ["published_version"])
    step_fields = [f.attname for f in Step._meta.concrete_fields if f.attname not in skip]
    steps = [{name: getattr(step, name) for name in step_fields} for step in version.steps.all()]
    Step.objects.bulk_create(Step(**step, version=v) for v in versions for step in steps)
    return guides


class WSGIServer:
    """Sends requests through a WSGI application as gunicorn does; Django's test client skips
    the WSGI layer (guides.caching.EarlyAnswer). Uses the test's database connection."""

    def __init__(self, application):
        self.application = application

    def get(self, path, **environ):
        request_environ = RequestFactory().get(path).environ | environ
        answer = {}

        def start_response(status, headers, exc_info=None):
            answer.update(status=status, headers=dict(headers))

        # As the test client does: the test's connection must outlive the request.
        request_started.disconnect(close_old_connections)
        request_finished.disconnect(close_old_connections)
        try:
            response = self.application(request_environ, start_response)
            body = b"".join(response)
            if hasattr(response, "close"):
                response.close()
        finally:
            request_started.connect(close_old_connections)
            request_finished.connect(close_old_connections)
        return WSGIAnswer(answer["status"], answer["headers"], body)


@dataclasses.dataclass
class WSGIAnswer:
    status: str
    headers: dict
    body: bytes

    @property
    def text(self):
        return self.body.decode()
