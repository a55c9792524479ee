"""The Markdown subset of a lesson page: what a teacher types, parsed into plain runs.

Nothing here is HTML and nothing is ever handed to an HTML renderer: the GUI and the PDF
build their text from these runs, so a page's text is always shown as text.

The subset (docs/file-format.md):

- blocks are separated by blank lines;
- ``# Title``, ``## Title``, ``### Title`` are headings;
- lines starting with ``- `` or ``* `` are bullet items, ``1. `` numbered items;
- a block that is only ``$$ … $$`` is displayed math;
- inside a block: ``**bold**``, ``*italic*``, ```code``` and ``$inline math$`` (mathtext
  LaTeX, typeset like the formula panel); ``\\$`` is a dollar sign, ``\\*`` a star.

Anything else (links, HTML tags, tables) is kept as the literal characters typed.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

RUN_KINDS = ("text", "bold", "italic", "code", "math")
BLOCK_KINDS = ("heading", "paragraph", "bullet", "number", "math")


@dataclass(frozen=True)
class Run:
    """A piece of one block's text: ``kind`` is one of RUN_KINDS."""

    kind: str
    text: str


@dataclass
class Block:
    """A heading (``level`` 1–3), a paragraph, a list item (``level`` = its number) or displayed math."""

    kind: str
    runs: list[Run] = field(default_factory=list)
    level: int = 0
    plain_source: str = ""  # the block's text as typed

    @property
    def plain(self) -> str:
        """The block's characters without markup (math as its LaTeX source between $)."""
        return "".join(f"${r.text}$" if r.kind == "math" else r.text for r in self.runs)


_HEADING = re.compile(r"^(#{1,3})\s+(.*)$")
_BULLET = re.compile(r"^[-*]\s+(.*)$")
_NUMBER = re.compile(r"^(\d{1,4})[.)]\s+(.*)$")
_DISPLAY = re.compile(r"^\$\$(.+)\$\$$", re.DOTALL)
_ESCAPES = {"\\$": "$", "\\*": "*", "\\`": "`", "\\\\": "\\"}


def parse(text: str) -> list[Block]:
    """The blocks of ``text``, in order."""
    blocks: list[Block] = []
    paragraph: list[str] = []

    def flush() -> None:
        if paragraph:
            joined = " ".join(line.strip() for line in paragraph)
            display = _DISPLAY.match(joined)
            if display and "$" not in display.group(1).replace("\\$", ""):
                blocks.append(Block("math", [Run("math", display.group(1).strip())], plain_source=joined))
            else:
                blocks.append(Block("paragraph", inline(joined), plain_source=joined))
            paragraph.clear()

    for raw in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        line = raw.strip()
        if not line:
            flush()
            continue
        heading, bullet, number = _HEADING.match(line), _BULLET.match(line), _NUMBER.match(line)
        if heading:
            flush()
            blocks.append(Block("heading", inline(heading.group(2)), len(heading.group(1)), heading.group(2)))
        elif bullet:
            flush()
            blocks.append(Block("bullet", inline(bullet.group(1)), 0, bullet.group(1)))
        elif number:
            flush()
            blocks.append(Block("number", inline(number.group(2)), int(number.group(1)), number.group(2)))
        elif raw[:1] in (" ", "\t") and blocks and blocks[-1].kind in ("bullet", "number") and not paragraph:
            item = blocks[-1]  # an item's continuation line
            item.plain_source += " " + line
            item.runs = inline(item.plain_source)
        else:
            paragraph.append(line)
    flush()
    return [block for block in blocks if block.runs]


# one token at a time: escapes, `code`, $math$, **bold**, *italic*
_TOKEN = re.compile(r"\\[$*`\\]|`[^`]+`|\$(?:\\.|[^$\\])+\$"
                    r"|\*\*(?!\s)(?:\\.|[^*\\])+?(?<!\s)\*\*|\*(?!\s)(?:\\.|[^*\\])+?(?<!\s)\*")


def inline(text: str) -> list[Run]:
    """The runs of one block's text; unmatched markers stay literal characters."""
    runs: list[Run] = []

    def add(kind: str, piece: str) -> None:
        if not piece:
            return
        if kind == "text" and runs and runs[-1].kind == "text":
            runs[-1] = Run("text", runs[-1].text + piece)
        else:
            runs.append(Run(kind, piece))

    position = 0
    for match in _TOKEN.finditer(text):
        add("text", text[position:match.start()])
        token = match.group(0)
        if token in _ESCAPES:
            add("text", _ESCAPES[token])
        elif token.startswith("`"):
            add("code", token[1:-1])
        elif token.startswith("$"):
            body = token[1:-1].strip()
            if body:
                add("math", body)
            else:
                add("text", token)
        elif token.startswith("**"):
            add("bold", _unescape(token[2:-2]))
        else:
            add("italic", _unescape(token[1:-1]))
        position = match.end()
    add("text", text[position:])
    return runs


def _unescape(text: str) -> str:
    for escape, character in _ESCAPES.items():
        text = text.replace(escape, character)
    return text


def math_spans(text: str) -> list[str]:
    """Every piece of math in ``text`` (inline and displayed), in order."""
    return [run.text for block in parse(text) for run in block.runs if run.kind == "math"]


def plain_text(text: str) -> str:
    """``text`` without markup, math as Unicode (``$\\nabla h_2$`` → ∇h₂), one line per block.

    For the summary, its CSV and the terminal.
    """
    from core.stepthrough.latex_text import to_unicode

    return "\n".join("".join(to_unicode(r.text) if r.kind == "math" else r.text for r in block.runs)
                     for block in parse(text))
