"""QR codes as images, for a checkout page or a POS screen: the precreate ``qr_code`` drawn by the
Rust core (``qrcode`` and ``png`` crates)."""

from __future__ import annotations

from ._native import qr_png as _png
from ._native import qr_svg as _svg


def qr_svg(text: str) -> str:
    """The QR code of ``text`` as an SVG document (scales to any size; serve it as ``image/svg+xml``)."""
    return _svg(text)


def qr_png(text: str, size: int = 256) -> bytes:
    """The QR code of ``text`` as a PNG at most ``size`` pixels a side, with whole pixels per module
    so that every scanner reads it. A ``size`` too small for the code, or over 4096, raises
    :class:`~alipay_core.InvalidInput`."""
    return _png(text, size)
