"""Lessons: a network and an ordered list of pages a teacher prepares and a learner follows.

- :mod:`~core.lesson.model` the lesson, its pages and each page's state;
- :mod:`~core.lesson.questions` the four kinds of question and their file form;
- :mod:`~core.lesson.lesson_file` the versioned JSON file, read with every entry checked;
- :mod:`~core.lesson.markdown` the Markdown subset of a page's text (never HTML);
- :mod:`~core.lesson.grading` grading an answer, with feedback;
- :mod:`~core.lesson.session` following a lesson; :mod:`~core.lesson.progress` remembering it;
- :mod:`~core.lesson.summary` the summary a learner hands in (JSON or CSV);
- :mod:`~core.lesson.quantities` which steps and quantities a network has.
"""
