// "Notifications on this device": registers the service worker, subscribes this browser to
// web push with the server's VAPID key, and tells the server (POST /api/v1/push/subscriptions).
// The device list, removal and the test message are plain forms that work without this.
const root = document.getElementById("push-device");
const API = "/api/v1/push/subscriptions";

function say(name) {
  const status = document.getElementById("push-status");
  status.textContent = root.dataset[name] || "";
  status.dataset.state = name;
}

function csrf() {
  const input = document.querySelector("input[name=csrfmiddlewaretoken]");
  return input ? input.value : "";
}

function keyBytes(base64url) {
  const base64 = base64url.replace(/-/g, "+").replace(/_/g, "/");
  const raw = atob(base64 + "=".repeat((4 - (base64.length % 4)) % 4));
  return Uint8Array.from(raw, (c) => c.charCodeAt(0));
}

function sameKey(subscription, key) {
  const current = subscription.options && subscription.options.applicationServerKey;
  if (!current) return true;
  const a = new Uint8Array(current), b = keyBytes(key);
  return a.length === b.length && a.every((value, i) => value === b[i]);
}

async function api(method, url, body) {
  const response = await fetch(url, {
    method, credentials: "same-origin",
    headers: {"Content-Type": "application/json", "X-CSRFToken": csrf()},
    body: body ? JSON.stringify(body) : undefined,
  });
  if (!response.ok && response.status !== 404) throw new Error(`HTTP ${response.status}`);
  return response.status === 204 || response.status === 404 ? null : response.json();
}

async function save(subscription) {
  const json = subscription.toJSON();
  return api("POST", API, {endpoint: json.endpoint, keys: json.keys,
                           user_agent: navigator.userAgent.slice(0, 300)});
}

function markThisDevice(endpoint) {
  for (const row of document.querySelectorAll("[data-endpoint]")) {
    const mark = row.querySelector(".push-this-device");
    if (mark) mark.hidden = row.dataset.endpoint !== endpoint;
  }
}

function show(subscribed) {
  document.getElementById("push-enable").hidden = subscribed;
  document.getElementById("push-disable").hidden = !subscribed;
}

async function start() {
  if (!root) return;
  if (!("serviceWorker" in navigator) || !("PushManager" in window) || !("Notification" in window)) {
    say("unsupported");
    return;
  }
  const registration = await navigator.serviceWorker.register("/sw.js", {scope: "/"});
  const ready = await navigator.serviceWorker.ready;
  root.dataset.worker = ready.active ? "active" : "waiting";
  const key = root.dataset.key;
  let subscription = await registration.pushManager.getSubscription();
  if (subscription && !sameKey(subscription, key)) {  // the server's key changed
    await subscription.unsubscribe();
    subscription = null;
  }
  if (subscription && Notification.permission === "granted") {
    try { await save(subscription); } catch (error) { /* shown below as enabled anyway */ }
    markThisDevice(subscription.endpoint);
    say("enabled");
  } else {
    say(Notification.permission === "denied" ? "denied" : "disabled");
  }
  show(Boolean(subscription));

  document.getElementById("push-enable").addEventListener("click", async () => {
    try {
      const permission = await Notification.requestPermission();
      if (permission !== "granted") { say(permission === "denied" ? "denied" : "disabled"); return; }
      const created = await registration.pushManager.subscribe(
        {userVisibleOnly: true, applicationServerKey: keyBytes(key)});
      await save(created);
      window.location.reload();
    } catch (error) {
      say("failed");
    }
  });

  document.getElementById("push-disable").addEventListener("click", async () => {
    try {
      const current = await registration.pushManager.getSubscription();
      if (current) {
        const mine = ((await api("GET", API)) || {items: []}).items;
        const found = mine.find((item) => item.endpoint === current.endpoint);
        if (found) await api("DELETE", `${API}/${found.id}`);
        await current.unsubscribe();
      }
      window.location.reload();
    } catch (error) {
      say("failed");
    }
  });
}

start().catch(() => say("failed"));
