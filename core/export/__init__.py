"""Taking work away: the standalone NumPy script of a network (:mod:`~core.export.script`,
its algorithm in :mod:`~core.export.algorithm`, the plugins' source checked in
:mod:`~core.export.sources`). The PDF handout and the GIF/PNG series need Qt and live in
desktop_app.
"""
