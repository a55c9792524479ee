"""`backprop-studio lesson check FILE`: is a lesson file sound? Its pages, questions and answers.

Reading the file checks its form and every name against its network; ``check`` also
typesets every piece of math and computes each question's answer with the loaded plugins,
so a teacher learns of a typo before the class does.
"""
from __future__ import annotations

import argparse
from typing import Any

from core.cli.base import Command, CommandError, add_safe_mode, check_names, emit_json, load_host
from core.lesson.lesson_file import load_lesson
from core.lesson.markdown import math_spans, plain_text
from core.lesson.model import Lesson
from core.lesson.quantities import END, START
from core.lesson.session import LessonSession
from core.stepthrough.notation import text


def configure(parser: argparse.ArgumentParser) -> None:
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    check = actions.add_parser("check", help="validate a lesson file; list its pages, questions and answers")
    check.add_argument("file", metavar="FILE")
    check.add_argument("--json", action="store_true", help="print the report as JSON")
    add_safe_mode(check)


def marked_up_texts(lesson: Lesson) -> list[tuple[str, str]]:
    """(where, text) of every text that may hold $math$."""
    texts = [("the lesson's description", lesson.description)]
    for number, page in enumerate(lesson.pages, start=1):
        texts.append((f"page {number}, text", page.text))
        question = page.question
        if question is not None:
            texts += [(f"page {number}, question prompt", question.prompt),
                      (f"page {number}, explanation", question.explanation),
                      (f"page {number}, hint", question.hint)]
            texts += [(f"page {number}, option {i}", option)
                      for i, option in enumerate(getattr(question, "options", []), start=1)]
    return texts


def math_problems(lesson: Lesson) -> list[str]:
    """Every piece of math that matplotlib's mathtext (the app's typesetter) cannot typeset."""
    from matplotlib.mathtext import MathTextParser  # Qt-free; the app typesets with it

    parser = MathTextParser("path")
    problems = []
    for where, marked_up in marked_up_texts(lesson):
        for latex in math_spans(marked_up):
            try:
                parser.parse(f"${latex}$")
            except (ValueError, RecursionError) as exc:
                first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
                problems.append(f"{where}: ${latex[:60]}$ cannot be typeset ({first[:120]})")
    return problems


def report(lesson: Lesson, host: Any) -> dict[str, Any]:
    """What `lesson check` says about ``lesson``: its pages, questions, answers and problems."""
    problems = math_problems(lesson)
    session = LessonSession(lesson, host.registry, remember=False)
    try:
        check_names(lesson.network, host)
    except ValueError as exc:
        problems.append(f"the lesson's network: {exc}")
    pages = []
    for index, page in enumerate(lesson.pages):
        entry: dict[str, Any] = {"page": index + 1, "title": page.title, "step": page.state.step}
        if page.question is not None:
            entry["question"] = {"kind": page.question.kind, "prompt": plain_text(page.question.prompt),
                                 "answer": plain_text(session.expected(index))}
            if page.question.kind in ("number", "signs") and session.trace_for(index) is None:
                problems.append(f"page {index + 1}: the answer cannot be computed ({session.trace_error})")
        pages.append(entry)
    network = lesson.network
    return {"title": lesson.title, "id": lesson.id, "network": {"sizes": network.sizes,
            "activations": network.activations, "loss": network.loss}, "pages": pages,
            "questions": sum(1 for p in pages if "question" in p), "problems": problems}


def run(args: argparse.Namespace) -> int:
    lesson = load_lesson(args.file)
    result = report(lesson, load_host(args))
    if args.json:
        emit_json(result, ensure_ascii=False)
    else:
        network = result["network"]
        print(f"{args.file}: lesson {lesson.title!r}, {len(lesson.pages)} pages, {result['questions']} questions")
        print(f"network {'-'.join(map(str, network['sizes']))}, activations {', '.join(network['activations'])}, "
              f"loss {network['loss']}")
        for page in result["pages"]:
            where = page["step"]
            step = f"  [step {where if where in (START, END) else text(where)}]" if where else ""
            print(f"{page['page']:3d}. {page['title']}{step}")
            if "question" in page:
                question = page["question"]
                print(f"     {question['kind']}: {question['prompt'].splitlines()[0][:100]}")
                print(f"     answer: {question['answer']}")
    if result["problems"]:
        raise CommandError(f"{len(result['problems'])} problem(s): " + "; ".join(result["problems"]))
    if not args.json:
        print("ok: the lesson opens, its math typesets and every answer can be computed")
    return 0


COMMAND = Command("lesson", "check a lesson file", configure, run,
                  description="Lessons: `lesson check FILE` validates a lesson and lists its pages, questions "
                              "and their answers.")
