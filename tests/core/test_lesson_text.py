"""A page's Markdown subset: what a teacher types becomes plain runs, never markup to interpret."""
from __future__ import annotations

from core.lesson.markdown import Block, Run, math_spans, parse, plain_text


def kinds(block: Block) -> list[tuple[str, str]]:
    return [(run.kind, run.text) for run in block.runs]


def test_blocks():
    blocks = parse("# The forward pass\n\nFirst line\nsame paragraph.\n\n- one\n- two $x$\n  more\n"
                   "1. first\n2) second\n\n$$\\nabla_{a_L} L = -(y - \\hat{y})$$\n### Small")
    assert [(b.kind, b.level) for b in blocks] == [("heading", 1), ("paragraph", 0), ("bullet", 0), ("bullet", 0),
                                                   ("number", 1), ("number", 2), ("math", 0), ("heading", 3)]
    assert blocks[1].plain == "First line same paragraph."
    assert kinds(blocks[3]) == [("text", "two "), ("math", "x"), ("text", " more")]
    assert kinds(blocks[6]) == [("math", "\\nabla_{a_L} L = -(y - \\hat{y})")]


def test_inline_runs():
    runs = parse("The **sum** over *paths*: `W.T @ g` and $\\nabla h_2 = W_3^T \\nabla a_3$ cost \\$5.")[0].runs
    assert runs == [Run("text", "The "), Run("bold", "sum"), Run("text", " over "), Run("italic", "paths"),
                    Run("text", ": "), Run("code", "W.T @ g"), Run("text", " and "),
                    Run("math", "\\nabla h_2 = W_3^T \\nabla a_3"), Run("text", " cost $5.")]


def test_unmatched_or_spaced_markers_stay_literal():
    assert kinds(parse("2 * 3 * 4 costs $5 and **not bold")[0]) == [("text", "2 * 3 * 4 costs $5 and **not bold")]
    assert kinds(parse("empty $$ here")[0]) == [("text", "empty $$ here")]


def test_html_and_links_are_just_characters():
    text = "<img src=/dev/zero> <b>x</b> [link](http://example.com) &amp;"
    (block,) = parse(text)
    assert kinds(block) == [("text", text)]


def test_math_spans_and_plain_text():
    text = "Inline $a_1$ and\n\n$$h_1 = g(a_1)$$"
    assert math_spans(text) == ["a_1", "h_1 = g(a_1)"]
    typed = "# Title\n\n**bold** $\\nabla h_2 = W_3^{\\mathrm{T}} \\nabla a_3$"
    assert plain_text(typed) == "Title\nbold ∇h₂ = W₃ᵀ ∇a₃"
