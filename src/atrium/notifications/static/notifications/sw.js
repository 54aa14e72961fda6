// Atrium's service worker, served at /sw.js (scope "/"). It shows web push notifications,
// opens them and reports a replaced subscription; it has no fetch handler and caches
// nothing, so no private page is ever stored on the device. The server fills in CONFIG
// (the icons' hashed static addresses).
"use strict";

const CONFIG = Object.assign({icon: "", badge: ""}, /*ATRIUM_CONFIG*/{});

self.addEventListener("install", () => { self.skipWaiting(); });
self.addEventListener("activate", (event) => { event.waitUntil(self.clients.claim()); });

// Only addresses of this site are opened: a push can never send someone elsewhere.
function sameOrigin(value) {
  if (typeof value !== "string" || !value) return null;
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
  if (!data || typeof data !== "object") data = {};
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

// The browser replaced the subscription (its push service was reset, or it expired): tell
// the server, proving it is the same browser with the old endpoint and its auth secret.
self.addEventListener("pushsubscriptionchange", (event) => {
  event.waitUntil((async () => {
    const old = event.oldSubscription;
    if (!old) return;  // nothing to prove it with: the device page subscribes again
    const fresh = event.newSubscription ||
      await self.registration.pushManager.subscribe(old.options);
    const before = old.toJSON(), after = fresh.toJSON();
    await fetch("/api/v1/push/renew", {
      method: "POST", credentials: "omit", headers: {"Content-Type": "application/json"},
      body: JSON.stringify({old_endpoint: before.endpoint, old_auth: before.keys.auth,
                            endpoint: after.endpoint, keys: after.keys}),
    });
  })());
});
