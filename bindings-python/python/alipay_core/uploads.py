"""Files for :meth:`Client.upload <alipay_core.Client.upload>` and the typed uploads.

A file is the form field it goes in, its name, its content type and its bytes — or a path the core
reads (its name is the path's last part, its type guessed from the extension unless given)."""

from __future__ import annotations

import dataclasses
import os
from typing import Any, Dict, Optional, Union


@dataclasses.dataclass(frozen=True)
class UploadFile:
    """One file of an upload. ``content`` is the bytes; or give ``path`` instead (read by the core,
    at most 50 MiB, checked before reading). The field is set by the typed uploads
    (``file_content``, ``image_content``) and may be left empty for them."""

    file_name: str = ""
    content_type: str = "application/octet-stream"
    content: Optional[bytes] = dataclasses.field(default=None, repr=False)
    path: Optional[Union[str, os.PathLike[str]]] = None
    field: str = ""

    @classmethod
    def from_path(
        cls, path: Union[str, os.PathLike[str]], *, field: str = "", content_type: Optional[str] = None
    ) -> UploadFile:
        """A file the core reads from ``path`` when the call is made."""
        return cls(path=path, field=field, content_type=content_type or "")

    def _native(self, field: Optional[str] = None) -> Dict[str, Any]:
        native: Dict[str, Any] = {"field": field or self.field or "file"}
        if self.path is not None:
            native["path"] = os.fspath(self.path)
            if self.content_type:
                native["content_type"] = self.content_type
        else:
            native.update(file_name=self.file_name, content_type=self.content_type, content=self.content)
        return native
