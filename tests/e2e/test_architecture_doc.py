"""docs/architecture.md matches the tree: every subpackage and module is named, and every
module it names exists (a rename or a new module without its line in the doc fails here)."""
from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "architecture.md"
PARTS = ("core", "desktop_app", "plugins")


def modules() -> list[Path]:
    return sorted(p.relative_to(ROOT) for part in PARTS for p in (ROOT / part).rglob("*.py")
                  if p.name != "__init__.py" and "__pycache__" not in p.parts)


def test_every_subpackage_and_module_is_named() -> None:
    text = DOC.read_text(encoding="utf-8")
    subpackages = sorted({m.parent for m in modules() if len(m.parts) > 2})
    missing = [f"{p.as_posix()}/" for p in subpackages if f"`{p.name}/`" not in text]
    missing += [m.as_posix() for m in modules() if f"`{m.name}`" not in text and f"/{m.name}`" not in text]
    assert not missing, f"docs/architecture.md does not name: {', '.join(missing)} (add each to the map of the tree)"


def test_every_module_the_doc_names_exists() -> None:
    named = set(re.findall(r"([A-Za-z_]\w*\.py)\b", DOC.read_text(encoding="utf-8")))
    existing = {m.name for m in modules()} | {"backprop_studio.py"}
    stale = sorted(named - existing)
    assert not stale, f"docs/architecture.md names modules that do not exist: {stale}"
