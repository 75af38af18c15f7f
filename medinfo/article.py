"""Parse a scraped consumer-health article (MSD Manual style) into its parts.

The scrape lost the headings but kept its layout: a title line, an optional "(Alias)" line,
a "By ..." author line, the lead definition, key-point bullets, then paragraphs and bullet
lists. Two or more blank lines stand where a heading was, so they mark segment breaks.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Iterable, List, Optional, Sequence

BULLET = re.compile(r"^\s*[•●▪◦*\-–]\s+")


class ArticleError(ValueError):
    """An article this parser cannot read; the message names the file and the problem."""

    def __init__(self, source: str, problem: str) -> None:
        super().__init__(f"{source}: {problem}")
        self.source = source
        self.problem = problem


@dataclass
class Block:
    """A paragraph (one text) or a bullet list (several items) of the article body."""

    items: List[str]
    bullets: bool
    segment: int  # blocks between the same two lost headings share a segment number


@dataclass
class Article:
    source: str
    title: str
    aliases: List[str]
    byline: str
    definition: str
    key_points: List[str]
    body: List[Block] = field(default_factory=list)

    @property
    def author(self) -> str:
        """The author's name and degrees from the byline: "Jane Doe, MD"."""
        parts = [p.strip() for p in self.byline[len("By ") :].split(",")]
        name = [parts[0]]
        for part in parts[1:]:
            if not re.fullmatch(r"[A-Z][A-Za-z]{0,4}", part):  # MD, PhD, DO, MPH...
                break
            name.append(part)
        return ", ".join(name)


def _blocks(lines: Sequence[str]) -> List[Block]:
    """Group lines into paragraphs and bullet lists, numbering segments by blank-line gaps."""
    blocks: List[Block] = []
    segment, blank_run = 0, 0
    for raw in lines:
        line = raw.strip()
        if not line:
            blank_run += 1
            continue
        if blank_run >= 2 and blocks:
            segment += 1
        is_bullet = bool(BULLET.match(raw))
        text = BULLET.sub("", raw).strip() if is_bullet else line
        previous = blocks[-1] if blocks else None
        if is_bullet and previous and previous.bullets and previous.segment == segment:
            previous.items.append(text)  # bullets separated by single blank lines: one list
        else:
            blocks.append(Block(items=[text], bullets=is_bullet, segment=segment))
        blank_run = 0
    return blocks


def parse_article(text: str, source: str, boilerplate: Iterable[str] = ()) -> Article:
    """Split `text` into title, aliases, byline, definition, key points and body blocks."""
    drop = {b.strip() for b in boilerplate}
    lines = [line for line in text.splitlines() if line.strip() not in drop]
    blocks = _blocks(lines)
    if not blocks:
        raise ArticleError(source, "the article has no text once site boilerplate is removed")

    position = 0

    def take() -> Optional[Block]:
        nonlocal position
        block = blocks[position] if position < len(blocks) else None
        position += 1
        return block

    title_block = take()
    if title_block.bullets or len(title_block.items[0].split()) > 12:
        raise ArticleError(source, "the first line after the boilerplate is not a title")
    title = title_block.items[0]

    aliases: List[str] = []
    block = take()
    while block and not block.bullets and re.fullmatch(r"\(.+\)", block.items[0]):
        aliases.append(block.items[0][1:-1].strip())
        block = take()

    if not block or block.bullets or not block.items[0].startswith("By "):
        raise ArticleError(source, 'no author line ("By ...") after the title')
    byline = block.items[0]

    block = take()
    if not block or block.bullets:
        raise ArticleError(source, "no lead definition paragraph after the author line")
    definition = block.items[0]

    key_points: List[str] = []
    if position < len(blocks) and blocks[position].bullets:
        key_points = take().items

    body = blocks[position:]
    if not body:
        raise ArticleError(source, "the article has no body after its key points")
    return Article(source, title, aliases, byline, definition, key_points, body)
