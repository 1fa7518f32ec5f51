"""The Alipay (支付宝) open-platform client, over the Rust core alipay-core.

Every request is RSA2-signed exactly like the official SDKs sign it; every answer and every notification
is verified before it is believed. Errors are one hierarchy rooted at :class:`AlipayError`.

Everything is defined by the extension module (its stubs, ``_native.pyi``, list and document it).
"""

from ._native import *  # noqa: F403
from ._native import __all__ as __all__
from ._native import __version__ as __version__
