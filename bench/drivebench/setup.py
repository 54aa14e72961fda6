"""Fill an Atrium instance for the drive benchmark (run with the server's environment).

    ATRIUM_DATA_DIR=… .venv/bin/python bench/drivebench/setup.py --files 10000 --people 20 \
        --out setup.json

Through the product's actions: an organisation, its owner (an API token and a signed-in
session for the HTML pages), an open space "Bench" whose drive holds a folder "many" with
`--files` small distinct text files (`do_upload_file`, committed in batches of 500 so the
fill takes seconds rather than a commit per file) and a folder "zip" with 20 small files,
and `--people` members, each with an API token and a personal drive (for the dedup case).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from io import BytesIO
from pathlib import Path

SRC = os.environ.get("BENCH_SRC") or str(Path(__file__).resolve().parents[2] / "src")
sys.path.insert(0, SRC)

BATCH = 500
THROUGH_ACTIONS = 100


def content(n: int, tag: str = "") -> bytes:
    return f"bench file{tag} number {n}\n".encode()


def bulk_files(owner: object, folder: object, first: int, count: int, tag: str = "") -> None:
    """Files first..count-1 of `folder`, in the shape `do_upload_file` gives (see above)."""
    import hashlib

    from django.core.files.base import ContentFile
    from django.db import transaction
    from django.utils import timezone

    from atrium.kernel import blobstore
    from atrium.kernel.models import Blob
    from atrium.modules.drive.models import FileVersion, Node, NodeKind
    from atrium.modules.drive.names import name_key

    store = blobstore.storage()
    for start in range(first, count, BATCH):
        numbers = range(start, min(count, start + BATCH))
        with transaction.atomic():
            datas = [content(n, tag) for n in numbers]
            blobs = []
            for data in datas:
                sha = hashlib.sha256(data).hexdigest()
                store.save(blobstore.blob_path(sha), ContentFile(data))
                blobs.append(Blob(sha256=sha, size=len(data), mime_type="text/plain",
                                  refcount=1))
            blobs = Blob.objects.bulk_create(blobs)
            now = timezone.now()
            names = [f"file-{n:05}.txt" for n in numbers]
            nodes = Node.objects.bulk_create([
                Node(space_id=folder.space_id, parent=folder, kind=NodeKind.FILE,  # type: ignore[attr-defined]
                     name=name, name_key=name_key(name), size=blob.size,
                     mime_type="text/plain", created_by=owner, updated_by=owner,
                     created_at=now, updated_at=now)
                for name, blob in zip(names, blobs, strict=True)])
            versions = FileVersion.objects.bulk_create([
                FileVersion(node=node, number=1, blob=blob, size=blob.size,
                            mime_type="text/plain", name=node.name, uploaded_by=owner,
                            created_at=now)
                for node, blob in zip(nodes, blobs, strict=True)])
            for node, version in zip(nodes, versions, strict=True):
                node.current = version
            Node.objects.bulk_update(nodes, ["current"])


def session_cookie(user: object) -> tuple[str, str]:
    """A signed-in session for `user`, made the way Django's test client makes one."""
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return settings.SESSION_COOKIE_NAME, client.cookies[settings.SESSION_COOKIE_NAME].value


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=10_000)
    parser.add_argument("--people", type=int, default=20)
    parser.add_argument("--out", required=True)
    parser.add_argument("--through-actions", action="store_true",
                        help="every file through do_upload_file (slow: minutes for 10,000)")
    args = parser.parse_args()

    from atrium.cli import prepare, setup_django

    setup_django()
    prepare(verbose=False)
    from django.db import transaction

    from atrium.kernel.actions.people import do_create_user
    from atrium.kernel.actions.spaces import do_create_space
    from atrium.kernel.actions.tokens import do_create_token
    from atrium.kernel.models import Organisation, OrgRole
    from atrium.modules.drive import actions

    began = time.monotonic()
    if not Organisation.objects.exists():
        Organisation.objects.create(name="Bench")
    owner = do_create_user(email="owner@bench.example", full_name="Bench Owner",
                           role=OrgRole.OWNER)
    _row, owner_token = do_create_token(owner, "bench")
    space = do_create_space(owner, name="Bench", visibility="open")
    root = actions.drive_root(space)
    many = actions.do_create_folder(owner, root, "many")
    slow = args.files if args.through_actions else min(args.files, THROUGH_ACTIONS)
    for first in range(0, slow, BATCH):
        with transaction.atomic():  # one commit per batch (nested actions are savepoints)
            for n in range(first, min(slow, first + BATCH)):
                actions.do_upload_file(owner, many, f"file-{n:05}.txt", BytesIO(content(n)))
    bulk_files(owner, many, slow, args.files)
    filled = time.monotonic() - began
    page = actions.do_create_folder(owner, root, "page")  # one full page: 200 files
    bulk_files(owner, page, 0, 200, tag=" of a page")
    zipped = actions.do_create_folder(owner, root, "zip")
    for n in range(20):
        actions.do_upload_file(owner, zipped, f"note-{n:02}.txt",
                               BytesIO(f"a small note {n}\n".encode() * 200))
    people = []
    for n in range(args.people):
        person = do_create_user(email=f"p{n}@bench.example", full_name=f"Bench Person {n}")
        _row, token = do_create_token(person, "bench")
        people.append(token)
    cookie_name, cookie_value = session_cookie(owner)
    Path(args.out).write_text(json.dumps({
        "owner_token": owner_token, "space_id": space.pk, "space_slug": space.slug,
        "root_id": root.pk, "many_id": many.pk, "page_id": page.pk, "zip_id": zipped.pk,
        "files": args.files,
        "people_tokens": people, "cookie": f"{cookie_name}={cookie_value}",
        "fill_seconds": round(filled, 1), "seconds": round(time.monotonic() - began, 1)}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
