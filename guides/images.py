"""Reading images that come from outside (admin uploads, content packs, a logo) safely.

The format is taken from the content, never from a file name or the browser's content type, and
limits on bytes and pixels are checked before an image is decoded, so that a small file that
unpacks into billions of pixels (a "decompression bomb") is refused instead of exhausting memory.
"""

import io
import warnings
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageCms, ImageDraw, ImageOps

# Pillow's format names and the file extensions we store them under.
FORMATS = {"PNG": "png", "JPEG": "jpg", "WEBP": "webp"}


@dataclass(frozen=True)
class CheckedImage:
    format: str
    width: int
    height: int

    @property
    def extension(self):
        return FORMATS[self.format]


def read_limited(fileobj):
    """The bytes of `fileobj`, read only when they are within settings.IMAGE_MAX_BYTES.

    An upload's size is known before its bytes are read (Django keeps large uploads in a
    temporary file), so a file that is too large is refused without reading it into memory.
    """
    size = getattr(fileobj, "size", None)
    if size is not None:
        _check_size(size)
    data = fileobj.read(settings.IMAGE_MAX_BYTES + 1)
    _check_size(len(data))
    return data


def check_image(data):
    """The format and size of `data`; ValidationError when it is not an image we accept.

    Accepted: PNG, JPEG and WebP within settings.IMAGE_MAX_BYTES and IMAGE_MAX_PIXELS, decoded
    completely (a truncated or corrupt file is refused, not shown half).
    """
    with _opened(data) as image:
        return CheckedImage(image.format, *image.size)


def clean_image(data, redactions=()):
    """`data` re-encoded in its own format without any metadata, upright and in sRGB.

    Returns (bytes, CheckedImage). EXIF (GPS, camera), XMP, ICC profiles, text chunks, comments
    and bytes after the image's end are all dropped, because only the pixels are written again.
    `redactions` are (left, top, right, bottom) boxes in pixels of the upright image, filled
    black before encoding, so that what they cover is never stored.
    """
    with _opened(data) as image:
        image_format = image.format
        try:
            pixels = _to_srgb(ImageOps.exif_transpose(image))
        except Exception:
            raise _not_an_image() from None
    _black_out(pixels, redactions)
    return _encoded(pixels, image_format), CheckedImage(image_format, *pixels.size)


def variants(data, sizes):
    """Smaller and WebP copies of a cleaned image: (width, format, bytes) for each
    (width, format) in `sizes`, decoding `data` once. Same input, same bytes."""
    with _opened(data) as image:
        for width, image_format in sizes:
            height = max(1, round(image.height * width / image.width))
            copy = image.resize((width, height), Image.Resampling.LANCZOS)
            yield width, image_format, _encoded(copy, image_format)


def _encoded(image, image_format):
    output = io.BytesIO()
    options = {"JPEG": {"quality": 90, "optimize": True}, "WEBP": {"quality": 90}}
    image.save(output, format=image_format, **options.get(image_format, {"optimize": True}))
    return output.getvalue()


def _black_out(image, boxes):
    """Fill each box (clipped to the image) with opaque black; ValidationError for a bad box."""
    width, height = image.size
    draw = ImageDraw.Draw(image)
    black = {"RGB": (0, 0, 0), "RGBA": (0, 0, 0, 255), "L": 0, "LA": (0, 255)}[image.mode]
    for box in boxes:
        try:
            left, top, right, bottom = (int(value) for value in box)
        except (TypeError, ValueError):
            message = _("A blacked-out area is not a rectangle.")
            raise ValidationError(message, code="bad_box") from None
        left, right = sorted((max(0, min(left, width)), max(0, min(right, width))))
        top, bottom = sorted((max(0, min(top, height)), max(0, min(bottom, height))))
        if right > left and bottom > top:
            draw.rectangle((left, top, right - 1, bottom - 1), fill=black)


def _too_many_pixels(limit):
    return ValidationError(
        _("The image has more pixels than the %(limit)s megapixels we accept; make it smaller."),
        code="too_many_pixels",
        params={"limit": f"{limit / 1_000_000:g}"},
    )


def _check_size(size):
    max_bytes = settings.IMAGE_MAX_BYTES
    if not size:
        raise ValidationError(_("The file is empty."), code="empty")
    if size > max_bytes:
        raise ValidationError(
            _("The file is %(size)s; images may have at most %(limit)s."),
            code="too_large",
            params={"size": filesizeformat(size), "limit": filesizeformat(max_bytes)},
        )


def _not_an_image():
    return ValidationError(
        _("This file is not a complete PNG, JPEG or WebP image."), code="invalid"
    )


class _opened:
    """Context manager: the fully decoded Pillow image, or ValidationError with a clear message."""

    def __init__(self, data):
        self.data = data
        self.image = None

    def __enter__(self):
        max_pixels = settings.IMAGE_MAX_PIXELS
        _check_size(len(self.data))
        try:
            with warnings.catch_warnings():
                # Our own pixel limit below is stricter than Pillow's warning threshold.
                warnings.simplefilter("ignore", Image.DecompressionBombWarning)
                self.image = Image.open(io.BytesIO(self.data), formats=tuple(FORMATS))
                width, height = self.image.size
                if width * height > max_pixels:
                    raise _too_many_pixels(max_pixels)
                if not width or not height:
                    raise ValidationError(_("The image has no pixels."), code="empty")
                self.image.load()
        except ValidationError:
            self._close()
            raise
        except Image.DecompressionBombError:
            # Pillow's own limit, met before ours when a header announces billions of pixels.
            self._close()
            raise _too_many_pixels(max_pixels) from None
        except Exception:
            # Pillow reports broken files with many exception types (OSError, SyntaxError,
            # ValueError, DecompressionBombError, struct.error, …); all mean the same to an editor.
            self._close()
            raise _not_an_image() from None
        return self.image

    def __exit__(self, *exc_info):
        self._close()

    def _close(self):
        if self.image is not None:
            self.image.close()


def _to_srgb(image):
    """The pixels of `image` in sRGB (converted from its ICC profile, if any), with no metadata."""
    if image.mode not in ("RGB", "RGBA", "L", "LA"):
        has_alpha = "A" in image.getbands() or "transparency" in image.info
        image = image.convert("RGBA" if has_alpha else "RGB")
    elif image.mode == "L" and "transparency" in image.info:
        image = image.convert("LA")
    profile = image.info.get("icc_profile")
    if profile and image.mode in ("RGB", "RGBA"):
        try:
            source = ImageCms.ImageCmsProfile(io.BytesIO(profile))
            target = ImageCms.createProfile("sRGB")
            image = ImageCms.profileToProfile(image, source, target, outputMode=image.mode)
        except (ImageCms.PyCMSError, OSError):
            pass  # A broken profile: the pixels stay as they are; the profile is dropped below.
    clean = image.copy()
    clean.info = {}
    return clean
