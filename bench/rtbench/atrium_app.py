"""`atrium serve` plus one bench-only route, for as long as the chat HTTP API does not exist.

    python bench/rtbench/atrium_app.py --port P [--workers N]

Prepares the data folder like `atrium serve` (migrations, static files), runs the background
tasks in-process like it, and serves Atrium's own ASGI application under uvicorn with the same
options. The one addition: `POST /__bench/post/<channel id>` with `Authorization: Bearer
atr_…` and `{"body": …}` calls `do_post_message` in Django's sync thread, exactly as an HTTP
view would (same action, same transaction, same event published after commit), minus the
API's parsing, throttling and response body. Used only when `POST
/api/v1/chat/channels/<id>/messages` answers 404 or 405.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, os.environ.get("BENCH_SRC") or str(HERE.parent.parent / "src"))
sys.path.insert(1, str(HERE))

from rawapp import read_body, respond  # noqa: E402

from atrium.asgi import application as atrium_application  # noqa: E402

PREFIX = "/__bench/post/"


def _bearer(scope: dict[str, Any]) -> str:
    for name, value in scope.get("headers", ()):
        if name == b"authorization":
            return value.decode("latin1").partition(" ")[2].strip()
    return ""


def _post(token: str, channel_id: int, body: str) -> int:
    from atrium.kernel.actions.tokens import user_for_token
    from atrium.modules.chat.actions.messages import do_post_message
    from atrium.modules.chat.models import Channel

    user = user_for_token(token)
    if user is None:
        return 401
    do_post_message(user, Channel.objects.get(pk=channel_id), body)
    return 201


async def application(scope: dict[str, Any], receive: Any, send: Any) -> None:
    if scope["type"] == "http" and scope["path"].startswith(PREFIX):
        from asgiref.sync import sync_to_async

        data = json.loads(await read_body(receive))
        status = await sync_to_async(_post)(_bearer(scope), int(scope["path"][len(PREFIX):]),
                                            str(data.get("body", "")))
        await respond(send, status, b"{}")
        return
    await atrium_application(scope, receive, send)


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--workers", type=int, default=1)
    args = parser.parse_args()
    from atrium.cli import prepare, start_task_thread

    prepare(verbose=False)
    start_task_thread()
    import uvicorn

    uvicorn.run("atrium_app:application", host="127.0.0.1", port=args.port,
                workers=args.workers, lifespan="off", log_level="warning", access_log=False,
                ws_max_size=1024 * 1024, app_dir=str(HERE))


if __name__ == "__main__":
    main()
