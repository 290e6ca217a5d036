"""Regression: PySide6-Essentials 6.12.0 on Python 3.11 aborts (none_dealloc) after a
few thousand void-returning Qt calls. Our version bounds avoid it; this keeps them honest."""

from PySide6.QtGui import QColor, QImage


def test_100000_void_qt_calls_do_not_abort_the_process(qapp):
    image = QImage(8, 8, QImage.Format.Format_ARGB32)
    colour = QColor("#2e7d32")
    for _ in range(100_000):
        image.fill(colour)
    assert image.pixelColor(0, 0) == colour
