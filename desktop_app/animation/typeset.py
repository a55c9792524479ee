"""Typeset formulas: matplotlib's mathtext renders LaTeX to a QPixmap (no TeX install).

Rendered at the screen's device pixel ratio (sharp at 2× scale, the same size on screen),
and ``scale`` times larger for the presentation mode.
"""
from __future__ import annotations

import io
from functools import lru_cache

from PySide6.QtGui import QGuiApplication, QImage, QPixmap


def device_ratio() -> float:
    """The largest device pixel ratio of the screens (2.0 with QT_SCALE_FACTOR=2)."""
    app = QGuiApplication.instance()
    return float(app.devicePixelRatio()) if app is not None else 1.0


@lru_cache(maxsize=512)
def _png(latex: str, dpi: int, color: str) -> bytes:
    from matplotlib import mathtext
    from matplotlib.font_manager import FontProperties

    buffer = io.BytesIO()
    mathtext.math_to_image(f"${latex}$", buffer, dpi=dpi, format="png", color=color,
                           prop=FontProperties(size=12))
    return buffer.getvalue()


def formula_pixmap(latex: str, *, dpi: int = 130, color: str = "#202020", scale: float = 1.0) -> QPixmap | None:
    """The formula as a pixmap, or None when mathtext cannot parse it (a plugin's typo)."""
    ratio = device_ratio()
    try:
        data = _png(latex, round(dpi * scale * ratio), color)
    except Exception:
        return None
    pixmap = QPixmap()
    pixmap.loadFromData(data, "PNG")
    pixmap.setDevicePixelRatio(ratio)
    return pixmap


def formula_html(latex: str, *, dpi: int = 110, color: str = "#202020") -> str:
    """The typeset formula as an <img> for rich-text labels (escaped text if it cannot parse)."""
    import base64
    import html

    if not latex:
        return ""
    ratio = device_ratio()
    try:
        data = _png(latex, round(dpi * ratio), color)
    except Exception:
        return f"<code>{html.escape(latex)}</code>"
    source = html.escape(latex, quote=True)
    size = QImage.fromData(data).size()  # drawn at its size / ratio: sharp on a 2× screen
    return (f'<img src="data:image/png;base64,{base64.b64encode(data).decode()}" alt="{source}" title="{source}"'
            f' width="{round(size.width() / ratio)}" height="{round(size.height() / ratio)}">')
