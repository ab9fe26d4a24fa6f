"""Following links as a user would: from the home page (or the public pages), every same-site `href` and
htmx `hx-get` breadth-first, GET only, with a cap per kind of page so a list of a thousand records does not
mean a thousand visits. Each visit keeps what a person sees: the visible text of a page, the cells of a
workbook, the text of a Word document."""

from __future__ import annotations

import io
import re
from collections import Counter, deque
from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import docx
import openpyxl
from django.test import Client
from django.urls import Resolver404, resolve

MAX_VISITS = 250
PER_KIND = 1  # visits of one URL pattern with one set of query parameters
NOT_FOLLOWED = ("/accounts/logout/", "/i18n/", "/django-admin/", "/static/", "/api/")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
# Attributes a person reads (tooltips, placeholders, image descriptions, button captions).
VISIBLE_ATTRIBUTES = {"title", "placeholder", "alt", "aria-label"}


@dataclass
class Visit:
    url: str
    status: int
    found_on: str
    kind: str  # html, xlsx, docx, other
    text: str  # what a person sees


class _PageReader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[tuple[str, bool]] = []  # (address, requested by htmx)
        self.text: list[str] = []
        self._hidden_depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag in ("script", "style", "template"):
            self._hidden_depth += 1
        if tag == "a" and a.get("href"):
            self.links.append((a["href"] or "", False))
        if a.get("hx-get"):
            self.links.append((a["hx-get"] or "", True))
        for name in VISIBLE_ATTRIBUTES & a.keys():
            self.text.append(a[name] or "")
        if tag == "input" and a.get("type") in ("submit", "button") and a.get("value"):
            self.text.append(a["value"] or "")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style", "template") and self._hidden_depth:
            self._hidden_depth -= 1

    def handle_data(self, data: str) -> None:
        if not self._hidden_depth and data.strip():
            self.text.append(data.strip())


def workbook_text(content: bytes) -> str:
    book = openpyxl.load_workbook(io.BytesIO(content), read_only=True)
    cells = [
        str(value)
        for sheet in book.worksheets
        for row in sheet.iter_rows(values_only=True)
        for value in row
        if value is not None
    ]
    return "\n".join([*book.sheetnames, *cells])


def document_text(content: bytes) -> str:
    document = docx.Document(io.BytesIO(content))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    return "\n".join(p for p in parts if p.strip())


def _kind_of(path: str, query: str) -> str:
    try:
        route = resolve(path).route
    except Resolver404:
        route = re.sub(r"\d+", "<n>", path)
    keys = sorted({pair.split("=", 1)[0] for pair in query.split("&") if pair})
    return f"{route}?{'&'.join(keys)}"


def crawl(client: Client, start: list[str], max_visits: int = MAX_VISITS) -> list[Visit]:
    queue: deque[tuple[str, str, bool]] = deque((url, "", False) for url in start)
    seen: set[str] = set(start)
    per_kind: Counter[str] = Counter()
    visits: list[Visit] = []
    while queue and len(visits) < max_visits:
        url, found_on, by_htmx = queue.popleft()
        parts = urlsplit(url)
        kind_key = _kind_of(parts.path, parts.query)
        if per_kind[kind_key] >= PER_KIND:
            continue
        per_kind[kind_key] += 1
        response = client.get(url, headers={"HX-Request": "true"} if by_htmx else {})
        content_type = response.get("Content-Type", "").split(";")[0]
        targets: list[tuple[str, bool]] = []
        text, kind = "", "other"
        if response.status_code in (301, 302, 303, 307, 308):
            targets.append((response["Location"], False))
        elif response.status_code == 200 and content_type == "text/html":
            reader = _PageReader()
            reader.feed(response.content.decode())
            targets, text, kind = reader.links, "\n".join(reader.text), "html"
        elif response.status_code == 200 and content_type == XLSX:
            text, kind = workbook_text(response.content), "xlsx"
        elif response.status_code == 200 and content_type == DOCX:
            text, kind = document_text(response.content), "docx"
        visits.append(Visit(url, response.status_code, found_on, kind, text))
        for target, htmx in targets:
            absolute = urlsplit(urljoin(url, target))
            if absolute.scheme not in ("http", "https", "") or absolute.netloc not in ("", "testserver"):
                continue
            local = absolute.path + (f"?{absolute.query}" if absolute.query else "")
            if local in seen or absolute.path.startswith(NOT_FOLLOWED):
                continue
            seen.add(local)
            queue.append((local, url, htmx))
    return visits
