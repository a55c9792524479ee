"""`export --pdf/--gif/--png`: the handout and slides of a lesson or of the step-through, as a
teacher makes them, rendered back to pictures and text with poppler (scripts/setup installs it)."""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
import unicodedata
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[2]
TEXTBOOK = ROOT / "resources" / "examples" / "textbook.json"
LESSON = ROOT / "resources" / "lessons" / "backprop-by-hand.json"
EXE = Path(sys.executable).parent / "backprop-studio"
POPPLER = pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="poppler-utils (scripts/setup) is missing")


def studio(*args, cwd: Path) -> subprocess.CompletedProcess:
    result = subprocess.run([str(EXE), *map(str, args)], capture_output=True, text=True, cwd=cwd, timeout=300)
    return result


def ink(path: Path) -> float:
    """The share of a picture's pixels that are not white."""
    from PIL import Image

    pixels = np.asarray(Image.open(path).convert("L"))
    return float(np.mean(pixels < 200))


@POPPLER
def test_the_built_in_lessons_handout_has_a_page_per_page_and_the_answers(tmp_path):
    result = studio("export", LESSON, "--pdf", "by-hand.pdf", "--gif", "by-hand.gif", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    lesson = json.loads(LESSON.read_text(encoding="utf-8"))
    pages = len(lesson["pages"])
    info = subprocess.run(["pdfinfo", "by-hand.pdf"], capture_output=True, text=True, cwd=tmp_path).stdout
    assert f"Pages:           {pages + 1}" in info and "Title:           Backpropagation by hand" in info
    text = unicodedata.normalize("NFKC", subprocess.run(  # NFKC: the PDF sets "fi" as one ligature
        ["pdftotext", "-layout", "by-hand.pdf", "-"], capture_output=True, text=True, cwd=tmp_path).stdout)
    for number, page in enumerate(lesson["pages"], start=1):
        assert f"{number}. {page['title']}" in text  # each lesson page starts a handout page
    answers = text.split("Answers")[-1]
    assert "L = 0.4391" in answers and "- + -" in answers  # the key, computed by the engine
    subprocess.run(["pdftoppm", "-r", "40", "-png", "by-hand.pdf", "page"], check=True, cwd=tmp_path)
    rendered = sorted(tmp_path.glob("page-*.png"))
    assert len(rendered) == pages + 1
    assert all(ink(p) > 0.01 for p in rendered[:-1])  # text, the canvas and the formula on every page

    from PIL import Image

    gif = Image.open(tmp_path / "by-hand.gif")
    assert gif.n_frames == pages and gif.info["loop"] == 0 and gif.info["duration"] == 2000


@POPPLER
def test_the_step_through_handout_and_slides_of_a_network(tmp_path):
    result = studio("export", TEXTBOOK, "--pdf", "steps.pdf", "--png", "slides/", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    info = subprocess.run(["pdfinfo", "steps.pdf"], capture_output=True, text=True, cwd=tmp_path).stdout
    assert "Pages:           22" in info  # 7 forward, 12 backward, 3 updates
    text = subprocess.run(["pdftotext", "steps.pdf", "-"], capture_output=True, text=True, cwd=tmp_path).stdout
    assert "Step 1 of 22 · forward · a₁ = b₁ + W₁ h₀" in text and "Step 22 of 22 · update" in text
    slides = sorted((tmp_path / "slides").glob("slide-*.png"))
    assert [p.name for p in slides[:2]] == ["slide-001.png", "slide-002.png"] and len(slides) == 22
    assert all(ink(p) > 0.02 for p in slides)


def test_what_cannot_be_drawn_is_refused_in_one_line(tmp_path):
    data = json.loads(TEXTBOOK.read_text())
    data["network"]["activations"] = ["tanh", "softsign"]  # no such plugin here
    (tmp_path / "missing.json").write_text(json.dumps(data))
    result = studio("export", "missing.json", "--gif", "out.gif", "--safe-mode", cwd=tmp_path)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "softsign" in result.stderr.strip().splitlines()[-1] and not (tmp_path / "out.gif").exists()
    result = studio("export", "missing.json", "--pdf", str(tmp_path), cwd=tmp_path)  # a folder is no PDF name
    assert result.returncode == 1 and "Traceback" not in result.stderr
