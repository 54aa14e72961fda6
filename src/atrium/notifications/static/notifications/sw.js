// Atrium's service worker, served at /sw.js (scope "/"). It shows web push notifications
// and opens them; it has no fetch handler and caches nothing, so no private page is ever
// stored on the device. The server fills in CONFIG (the icons' hashed static addresses).
"use strict";

const CONFIG = Object.assign({icon: "", badge: ""}, /*ATRIUM_CONFIG*/{});

self.addEventListener("install", () => { self.skipWaiting(); });
self.addEventListener("activate", (event) => { event.waitUntil(self.clients.claim()); });

// Only addresses of this site are opened: a push can never send someone elsewhere.
function sameOrigin(value) {
  try {
    const url = new URL(value, self.location.origin);
    return url.origin === self.location.origin ? url.href : null;
  } catch (error) {
    return null;
  }
}

function text(value, limit) {
  return typeof value === "string" ? value.slice(0, limit) : "";
}

self.addEventListener("push", (event) => {
  let data = {};
  try { data = event.data ? event.data.json() : {}; } catch (error) { data = {}; }
  const options = {
    body: text(data.body, 300),
    icon: CONFIG.icon || undefined,
    badge: CONFIG.badge || undefined,
    data: {url: sameOrigin(data.url) || sameOrigin("/"), id: data.id || null},
  };
  const tag = text(data.tag, 160);
  if (tag) { options.tag = tag; options.renotify = true; }  // replaces, rather than stacks
  event.waitUntil(self.registration.showNotification(text(data.title, 300) || "Atrium", options));
});

self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  const target = sameOrigin((event.notification.data || {}).url) || sameOrigin("/");
  event.waitUntil((async () => {
    const windows = await self.clients.matchAll({type: "window", includeUncontrolled: true});
    const ours = windows.filter((client) => sameOrigin(client.url));
    const exact = ours.find((client) => client.url === target);
    if (exact) return exact.focus();
    for (const client of ours) {
      try {
        const focused = await client.focus();
        if ("navigate" in focused) return await focused.navigate(target);
        return focused;
      } catch (error) { /* not controlled by us: try the next, or open a window */ }
    }
    return self.clients.openWindow(target);
  })());
});
