"""The kernel's part of the HTTP API: me, people, spaces, members, modules, invitations."""

from atrium.api.kernel import bots, invitations, me, members, modules, people, spaces, status

routers = [me.router, people.router, spaces.router, members.router, modules.router,
           invitations.router, status.router, bots.router]

__all__ = ["routers"]
