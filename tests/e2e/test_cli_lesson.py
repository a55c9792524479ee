"""`lesson check` and `export` as a teacher runs them."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from core.io.network_file import load_network
from core.lesson.lesson_file import new_lesson, save_lesson
from core.lesson.model import Page, PageState
from core.lesson.questions import NumberQuestion, SignsQuestion
from core.stepthrough.notation import Element

ROOT = Path(__file__).resolve().parents[2]
TEXTBOOK = ROOT / "resources" / "examples" / "textbook.json"
EXE = Path(sys.executable).parent / "backprop-studio"


def studio(*args, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([str(EXE), *map(str, args)], capture_output=True, text=True, cwd=cwd, timeout=120)


@pytest.fixture
def lesson_file(tmp_path) -> Path:
    lesson = new_lesson(*load_network(TEXTBOOK), title="Check me")
    lesson.pages += [
        Page("Loss", "The loss is $L = -\\log \\hat{y}_1$.", PageState(step="loss"),
             NumberQuestion(prompt="What is $L$?", answer=Element("loss"))),
        Page("Back", "", PageState(step="grad_h2"), SignsQuestion(prompt="Signs?", quantity="grad_h2")),
    ]
    path = tmp_path / "lesson.json"
    save_lesson(lesson, path)
    return path


def test_check_lists_pages_questions_and_the_computed_answers(lesson_file, tmp_path):
    result = studio("lesson", "check", lesson_file, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "lesson 'Check me', 2 pages, 2 questions" in out
    assert "1. Loss  [step L]" in out and "answer: L = 0.4391" in out
    assert "answer: signs of ∇h₂ L: - + -" in out and out.rstrip().endswith("every answer can be computed")
    data = json.loads(studio("lesson", "check", lesson_file, "--json", cwd=tmp_path).stdout)
    assert [p["question"]["answer"] for p in data["pages"]] == ["L = 0.4391", "signs of ∇h₂ L: - + -"]
    assert data["problems"] == []


def test_check_names_math_that_cannot_be_typeset(lesson_file, tmp_path):
    data = json.loads(lesson_file.read_text())
    data["pages"][1]["text"] = "Broken: $\\frac{1}{$ and fine $x$."
    lesson_file.write_text(json.dumps(data))
    result = studio("lesson", "check", lesson_file, cwd=tmp_path)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith("backprop-studio: error: 1 problem(s): page 2, text: $\\frac{1}{$ cannot be typeset")


def test_check_refuses_what_is_not_a_sound_lesson(lesson_file, tmp_path):
    data = json.loads(lesson_file.read_text())
    data["pages"][0]["state"]["step"] = "grad_W9"
    lesson_file.write_text(json.dumps(data))
    for target, words in ((lesson_file, "page 1, state: 'step'"), (TEXTBOOK, "not a Backprop Studio lesson file"),
                          (tmp_path / "nothing.json", "no such file")):
        result = studio("lesson", "check", target, cwd=tmp_path)
        assert result.returncode == 1 and "Traceback" not in result.stderr
        (line,) = result.stderr.strip().splitlines()
        assert words in line


def test_export_needs_something_to_export(tmp_path):
    result = studio("export", TEXTBOOK, cwd=tmp_path)
    assert result.returncode == 1 and "--script OUT.py" in result.stderr
