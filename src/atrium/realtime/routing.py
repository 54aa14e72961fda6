from channels.auth import AuthMiddlewareStack
from channels.routing import URLRouter
from channels.security.websocket import AllowedHostsOriginValidator
from django.urls import path

from atrium.realtime.consumers import WorkplaceConsumer

websocket_urlpatterns = [path("ws", WorkplaceConsumer.as_asgi())]

# Origin is checked against ALLOWED_HOSTS, so another site cannot open a socket with our cookie.
websocket_application = AllowedHostsOriginValidator(
    AuthMiddlewareStack(URLRouter(websocket_urlpatterns))
)
