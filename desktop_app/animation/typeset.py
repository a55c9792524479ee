"""Typeset formulas: matplotlib's mathtext renders LaTeX to a QPixmap (no TeX install)."""
from __future__ import annotations

import io
from functools import lru_cache

from PySide6.QtGui import QPixmap


@lru_cache(maxsize=512)
def _png(latex: str, dpi: int, color: str) -> bytes:
    from matplotlib import mathtext
    from matplotlib.font_manager import FontProperties

    buffer = io.BytesIO()
    mathtext.math_to_image(f"${latex}$", buffer, dpi=dpi, format="png", color=color,
                           prop=FontProperties(size=12))
    return buffer.getvalue()


def formula_pixmap(latex: str, *, dpi: int = 130, color: str = "#202020") -> QPixmap | None:
    """The formula as a pixmap, or None when mathtext cannot parse it (a plugin's typo)."""
    try:
        data = _png(latex, dpi, color)
    except Exception:
        return None
    pixmap = QPixmap()
    pixmap.loadFromData(data, "PNG")
    return pixmap


def formula_html(latex: str, *, dpi: int = 110, color: str = "#202020") -> str:
    """The typeset formula as an <img> for rich-text labels (escaped text if it cannot parse)."""
    import base64
    import html

    if not latex:
        return ""
    try:
        data = _png(latex, dpi, color)
    except Exception:
        return f"<code>{html.escape(latex)}</code>"
    source = html.escape(latex, quote=True)
    return f'<img src="data:image/png;base64,{base64.b64encode(data).decode()}" alt="{source}" title="{source}">'
