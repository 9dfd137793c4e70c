"""How long storing one large screenshot takes: cleaning plus the readers' copies.

Run: DJANGO_DEBUG=1 PYTHONPATH=. .venv/bin/python bench/screenshot_store.py
Both happen once per image, when an editor uploads it (or a pack is imported), never per request.
"""

import io
import os
import time

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django.setup()

from PIL import Image  # noqa: E402

from guides import images  # noqa: E402
from guides.models import Screenshot  # noqa: E402

SIZE = (2560, 1600)


def main():
    pixels = Image.effect_mandelbrot(SIZE, (-2, -1, 1, 1), 60).convert("RGB")
    for image_format in ("PNG", "JPEG", "WEBP"):
        output = io.BytesIO()
        pixels.save(output, image_format)
        data = output.getvalue()
        start = time.perf_counter()
        cleaned, _checked = images.clean_image(data)
        cleaning = time.perf_counter() - start
        widths = [width for width in Screenshot.VARIANT_WIDTHS if width < SIZE[0]] + [SIZE[0]]
        sizes = [
            (width, copy_format)
            for width in widths
            for copy_format in dict.fromkeys(("WEBP", image_format))
            if (width, copy_format) != (SIZE[0], image_format)
        ]
        start = time.perf_counter()
        copies = list(images.variants(cleaned, sizes))
        copying = time.perf_counter() - start
        print(
            f"{image_format} {SIZE[0]}x{SIZE[1]}, {len(data) // 1024} KiB: "
            f"clean {cleaning * 1000:.0f} ms, {len(copies)} copies {copying * 1000:.0f} ms "
            f"({sum(len(copy) for _w, _f, copy in copies) // 1024} KiB)"
        )


if __name__ == "__main__":
    main()
