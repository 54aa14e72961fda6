// The page's real-time connection: one websocket per tab, reconnecting with jittered backoff,
// resuming from the last event it saw so nothing is missed or received twice. Other scripts
// listen with `document.addEventListener("atrium:event", …)` (detail: {id, audience, event,
// payload}) and "atrium:signal", and talk through `window.atriumRealtime`.
const status = document.getElementById("rt-status");
const RECENT_MS = 60_000, RECENT_MAX = 1000, IDLE_MS = 5 * 60_000;
let socket = null, lastId = Number(document.body.dataset.lastEventId || 0) || null;
let recent = [], delay = 500, pingTimer = null, idleTimer = null, away = false, stopped = false;
const wanted = new Set();

function show(state) {
  if (!status) return;
  status.dataset.state = state;
  const text = status.querySelector(".rt-text");
  if (text) {
    text.textContent = status.dataset[state] || "";
    // The dot says "live" or "connecting"; words appear when something is wrong.
    text.classList.toggle("visually-hidden", state === "live" || state === "connecting");
  }
  status.title = text ? text.textContent : "";
  if (state === "reload" && !status.querySelector("button")) {
    const button = document.createElement("button");
    button.type = "button"; button.className = "linklike";
    button.textContent = status.dataset.reloadAction;
    button.addEventListener("click", () => location.reload());
    status.append(button);
  }
}

function send(message) {
  if (socket && socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify(message));
}

function remember(id) {
  const now = Date.now();
  recent.push([id, now]);
  while (recent.length > RECENT_MAX || (recent.length && now - recent[0][1] > RECENT_MS)) recent.shift();
  if (lastId === null || id > lastId) lastId = id;
}

function resume() {
  send({type: "resume", last_id: lastId, recent: recent.map(([id]) => id)});
}

function onMessage(raw) {
  let message;
  try { message = JSON.parse(raw.data); } catch { return; }
  switch (message.type) {
    case "hello":
      if (lastId === null) lastId = message.last_id;
      for (const audience of wanted) send({type: "subscribe", audience});
      resume();
      break;
    case "event":
      if (recent.some(([id]) => id === message.id)) return;
      remember(message.id);
      document.dispatchEvent(new CustomEvent("atrium:event", {detail: message}));
      document.dispatchEvent(new CustomEvent(`atrium:${message.event}`, {detail: message}));
      break;
    case "signal":
      document.dispatchEvent(new CustomEvent("atrium:signal", {detail: message}));
      break;
    case "caught_up": delay = 500; show("live"); if (away) send({type: "presence", state: "away"}); break;
    case "resync": resume(); break;
    case "reload": show("reload"); document.dispatchEvent(new CustomEvent("atrium:reload")); break;
    default: break;
  }
}

function connect() {
  if (stopped) return;
  show("connecting");
  const scheme = location.protocol === "https:" ? "wss" : "ws";
  socket = new WebSocket(`${scheme}://${location.host}/ws`);
  socket.addEventListener("message", onMessage);
  socket.addEventListener("close", (event) => {
    clearInterval(pingTimer);
    // Signed out or deactivated: reconnecting cannot help.
    if (event.code === 4401 || event.code === 4403) { stopped = true; show("offline"); return; }
    if (status && status.dataset.state !== "reload") show("offline");
    const wait = Math.min(delay, 10_000) * (0.5 + Math.random() / 2);
    delay = Math.min(delay * 2, 10_000);
    setTimeout(connect, wait);
  });
  socket.addEventListener("open", () => {
    clearInterval(pingTimer);
    pingTimer = setInterval(() => send({type: "ping"}), 25_000);
  });
}

function active() {
  clearTimeout(idleTimer);
  if (away) { away = false; send({type: "presence", state: "online"}); }
  idleTimer = setTimeout(() => { away = true; send({type: "presence", state: "away"}); }, IDLE_MS);
}

window.atriumRealtime = {
  subscribe(audience) { wanted.add(audience); send({type: "subscribe", audience}); },
  unsubscribe(audience) { wanted.delete(audience); send({type: "unsubscribe", audience}); },
  signal(audience, signal) { send({type: "signal", audience, signal}); },
  get connected() { return !!socket && socket.readyState === WebSocket.OPEN; },
};
for (const kind of ["keydown", "pointerdown", "focus"]) addEventListener(kind, active, {passive: true});
document.addEventListener("visibilitychange", () => { if (!document.hidden) active(); });
active();
connect();
document.dispatchEvent(new CustomEvent("atrium:realtime-ready"));
