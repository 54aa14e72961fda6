"""Fill an Atrium instance for the real-time benchmarks (run with the server's environment).

    ATRIUM_DATA_DIR=… [DATABASE_URL=…] .venv/bin/python bench/rtbench/atrium_setup.py \
        --people 1000 --tokens tokens.txt --out setup.json

One organisation, one open space, one public channel, `--people` members of both, each with an
API token (written one per line to `--tokens`), and a sender who posts. The organisation,
space, channel and sender go through the product's actions; the members, their tokens and
their memberships are bulk-inserted (thousands of people through the actions would take
minutes, and nothing here depends on their audit rows or personal spaces).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import secrets
import sys
import time
from pathlib import Path

SRC = os.environ.get("BENCH_SRC") or str(Path(__file__).resolve().parents[2] / "src")
sys.path.insert(0, SRC)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=1000)
    parser.add_argument("--tokens", required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--channel-members", type=int, default=-1,
                        help="how many of the people join the channel (default: all)")
    args = parser.parse_args()

    from atrium.cli import prepare, setup_django

    setup_django()
    prepare(verbose=False)
    from django.db import transaction

    from atrium.kernel.actions.people import do_create_user
    from atrium.kernel.actions.spaces import do_create_space
    from atrium.kernel.actions.tokens import TOKEN_PREFIX, do_create_token
    from atrium.kernel.models import (
        ApiToken,
        Organisation,
        OrgRole,
        SpaceMembership,
        SpaceRole,
        User,
    )
    try:
        from atrium.modules.chat.actions.channels import do_create_channel
        from atrium.modules.chat.models import ChannelMember
    except ImportError:  # a snapshot from before chat: sockets follow people and spaces only
        do_create_channel = ChannelMember = None

    began = time.monotonic()
    if not Organisation.objects.exists():
        Organisation.objects.create(name="Bench")
    sender = do_create_user(email="sender@bench.example", full_name="Bench Sender",
                            role=OrgRole.OWNER)
    _token, sender_token = do_create_token(sender, "bench sender")
    space = do_create_space(sender, name="Bench", visibility="open")
    channel = do_create_channel(sender, space, name="bench") if do_create_channel else None
    secrets_out: list[str] = []
    batch = 2000
    with transaction.atomic():
        for first in range(0, args.people, batch):
            numbers = range(first, min(args.people, first + batch))
            users = User.objects.bulk_create([
                User(email=f"bench{n}@bench.example", full_name=f"Bench Person {n}",
                     role=OrgRole.MEMBER, password="!unusable")
                for n in numbers])
            rows, tokens = [], []
            for user in users:
                prefix, secret = secrets.token_hex(5), secrets.token_urlsafe(32)
                tokens.append(ApiToken(user=user, name="bench", prefix=prefix,
                                       token_hash=hashlib.sha256(secret.encode()).hexdigest()))
                secrets_out.append(f"{TOKEN_PREFIX}{prefix}_{secret}")
                rows.append(SpaceMembership(space=space, user=user, role=SpaceRole.MEMBER))
            ApiToken.objects.bulk_create(tokens)
            SpaceMembership.objects.bulk_create(rows)
            joining = users if args.channel_members < 0 else \
                users[:max(0, args.channel_members - first)]
            if channel is not None:
                ChannelMember.objects.bulk_create([ChannelMember(channel=channel, user=user)
                                                   for user in joining])
    Path(args.tokens).write_text("\n".join(secrets_out) + "\n")
    Path(args.out).write_text(json.dumps({
        "channel_id": channel.pk if channel else None, "space_id": space.pk,
        "sender_token": sender_token,
        "people": args.people, "seconds": round(time.monotonic() - began, 2)}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
