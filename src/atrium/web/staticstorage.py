"""Static files with hashed names, plus a gzip copy of each text file made once at collection.

Hashed names let browsers cache forever; precompressed copies keep the served bytes small
without compressing on every request.
"""

from __future__ import annotations

import gzip
from collections.abc import Iterator
from typing import Any

from django.contrib.staticfiles.storage import ManifestStaticFilesStorage

COMPRESSIBLE = (".css", ".js", ".svg", ".json", ".txt", ".map", ".html")


class CompressedManifestStorage(ManifestStaticFilesStorage):
    manifest_strict = False

    def post_process(self, paths: dict[str, Any], dry_run: bool = False,
                     **options: Any) -> Iterator[Any]:
        for name, hashed_name, processed in super().post_process(paths, dry_run, **options):
            if not dry_run and isinstance(hashed_name, str) and hashed_name.endswith(COMPRESSIBLE):
                path = self.path(hashed_name)
                with open(path, "rb") as source:
                    data = source.read()
                packed = gzip.compress(data, compresslevel=9, mtime=0)
                if len(packed) < len(data):
                    with open(path + ".gz", "wb") as target:
                        target.write(packed)
            yield name, hashed_name, processed
