"""Content packs: platforms, guides and every version of them in one JSON file, with images.

A pack is a folder with `content.json` and an `images/` folder; images are referenced by the
SHA-256 of their bytes. docs/content-format.md describes format versions 1 and 2. `checking` reads a
pack and reports every problem before anything is written; `loading` writes a checked pack in
one transaction.
"""

from .checking import ContentPackError, read_pack
from .loading import Report, import_pack, load_pack, step_data, version_data

__all__ = [
    "ContentPackError",
    "Report",
    "import_pack",
    "load_pack",
    "read_pack",
    "step_data",
    "version_data",
]
