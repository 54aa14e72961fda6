"""The read-only, seekable file shape shared by the storage wrappers (encrypted, S3 ranges):
a subclass sets `size` and implements `readinto` from `_position`."""

from __future__ import annotations

import io
import os


class SizedReader(io.RawIOBase):
    size: int = 0
    _position: int = 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._position

    def seek(self, offset: int, whence: int = os.SEEK_SET) -> int:
        base = {os.SEEK_SET: 0, os.SEEK_CUR: self._position, os.SEEK_END: self.size}[whence]
        if base + offset < 0:
            raise ValueError("negative seek position")
        self._position = base + offset
        return self._position
