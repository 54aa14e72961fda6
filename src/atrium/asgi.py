"""The one ASGI application: static files, HTTP through Django, websockets through Channels."""

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "atrium.settings")

from django.core.asgi import get_asgi_application

django_app = get_asgi_application()

from channels.routing import ProtocolTypeRouter  # noqa: E402
from django.conf import settings  # noqa: E402

from atrium.kernel.tusasgi import TusPatchStreaming  # noqa: E402
from atrium.modules.drive.dav.app import with_webdav  # noqa: E402
from atrium.realtime.routing import websocket_application  # noqa: E402
from atrium.web.requestthreads import PooledRequestThreads  # noqa: E402
from atrium.web.serving import tune_for_serving  # noqa: E402
from atrium.web.staticserve import StaticFiles  # noqa: E402

application = ProtocolTypeRouter(
    {
        # /dav/ (WebDAV) is answered before static files and Django; tus PATCH bodies go
        # straight to the upload's file, not through Django (kernel/tusasgi.py).
        "http": with_webdav(StaticFiles(PooledRequestThreads(TusPatchStreaming(django_app)),
                                        settings.STATIC_ROOT)),
        "websocket": websocket_application,
    }
)

# Last, once everything the application needs at start is loaded (web/serving.py).
tune_for_serving()
