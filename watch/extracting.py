"""The main text of a fetched page, as lines an editor can compare."""

import re
from html.parser import HTMLParser

# Left out: code, styles and the parts every page of a site shares.
SKIPPED = frozenset({"script", "style", "noscript", "template", "svg", "nav", "header", "footer",
                     "aside", "form", "iframe"})  # fmt: skip
# Tags that end a line of text.
BLOCKS = frozenset({"p", "div", "section", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6",
                    "br", "tr", "td", "th", "table", "dt", "dd", "blockquote", "pre", "article",
                    "main", "body", "hr", "figcaption"})  # fmt: skip
PREFERRED = ("main", "article")


class _MainText(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.skipping = 0
        self.inside = dict.fromkeys(PREFERRED, 0)
        self.parts = {name: [] for name in (*PREFERRED, "page")}

    def handle_starttag(self, tag, attrs):
        if tag in SKIPPED:
            self.skipping += 1
        elif tag in self.inside:
            self.inside[tag] += 1
        if tag in BLOCKS:
            self._add("\n")

    def handle_endtag(self, tag):
        if tag in BLOCKS:
            self._add("\n")
        if tag in SKIPPED and self.skipping:
            self.skipping -= 1
        elif tag in self.inside and self.inside[tag]:
            self.inside[tag] -= 1

    def handle_data(self, data):
        if not self.skipping:
            self._add(data)

    def _add(self, text):
        self.parts["page"].append(text)
        for name, depth in self.inside.items():
            if depth:
                self.parts[name].append(text)


def normalise(text):
    lines = (re.sub(r"\s+", " ", line).strip() for line in text.splitlines())
    return "\n".join(line for line in lines if line)


def main_text(html):
    """The text of the page's <main> (else <article>, else the whole page), one line per block."""
    parser = _MainText()
    parser.feed(html)
    parser.close()
    for name in (*PREFERRED, "page"):
        text = normalise("".join(parser.parts[name]))
        if text:
            return text
    return ""


def page_text(response):
    """The main text of a fetched page; plain text pages as they are."""
    content_type = response.headers.get("content-type", "text/html")
    match = re.search(r"charset=([\w.:-]+)", content_type, re.IGNORECASE)
    try:
        text = response.body.decode(match.group(1) if match else "utf-8", "replace")
    except LookupError:
        text = response.body.decode("utf-8", "replace")
    if "html" in content_type.lower():
        return main_text(text)
    return normalise(text)
