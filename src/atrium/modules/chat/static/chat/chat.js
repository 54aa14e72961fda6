// Chat, live: messages, edits, reactions, pins and thread counts from the page's socket
// (realtime.js dispatches `atrium:event` and `atrium:signal`), unread badges, the read
// position, typing and presence, older history on scroll, and the side panel.
const NS = window.atriumChat;
const {data, t} = NS;
const channelId = data.channel ? data.channel.id : null;
const log = document.getElementById("chat-log");
const mainList = document.querySelector(".chat-messages[data-main]");
const side = document.getElementById("chat-side");
const announce = document.getElementById("chat-announce");
const receipts = document.getElementById("chat-receipts");
const baseTitle = document.title;
const typers = new Map();
let readSent = data.last_read_id || 0, readTimer = null, typingTimer = null;
let loadingOlder = false, sideTrigger = null;
const sameChannel = (payload) => channelId !== null && payload.channel_id === channelId;
const inMainFlow = (m) => !m.thread_root_id || m.also_in_channel;
const isMine = (m) => !!m.author && m.author.id === data.me.id;
const atBottom = () => !log || log.scrollHeight - log.scrollTop - log.clientHeight < 48;
const scrollToBottom = () => { if (log) log.scrollTop = log.scrollHeight; };
const plain = (html) => new DOMParser().parseFromString(html || "", "text/html").body.textContent.trim();
const listFormat = new Intl.ListFormat(document.documentElement.lang || "en", {type: "conjunction"});
const messagesWithId = (id) => document.querySelectorAll(`.chat-messages > .msg[data-id="${Number(id)}"]`);
const lastMainId = () => {
  const all = mainList ? mainList.querySelectorAll(":scope > .msg") : [];
  return all.length ? Number(all[all.length - 1].dataset.id) : 0;
};

// ---- Sidebar: unread and mention badges, browser title --------------------------------
const entryOf = (id) => document.querySelector(`.chat-sidebar [data-channel="${id}"]`);
function setCounts(entry, unread, mentions) {
  if (!entry) return;
  entry.dataset.unread = Math.max(0, unread); entry.dataset.mentions = Math.max(0, mentions);
  const muted = entry.dataset.muted === "1";
  for (const [kind, value] of [["unread", muted ? 0 : unread], ["mentions", mentions]]) {
    const badge = entry.querySelector(`.count-${kind}`);
    if (!badge) continue;
    badge.hidden = value <= 0;
    badge.querySelector(".n").textContent = value;
  }
  entry.classList.toggle("unread", unread > 0 && !muted);
  updateTitle();
}
function updateTitle() {
  let total = 0;
  for (const entry of document.querySelectorAll(".chat-sidebar [data-channel]")) {
    if (entry.dataset.muted !== "1") total += Number(entry.dataset.unread || 0);
  }
  document.title = total ? `(${total}) ${baseTitle}` : baseTitle;
}
function bump(m) {
  const entry = entryOf(m.channel_id);
  if (!entry) { refreshSidebar(); return; }
  entry.dataset.lastId = Math.max(Number(entry.dataset.lastId || 0), m.id);
  if (isMine(m)) return;
  if (sameChannel(m) && !document.hidden && atBottom() && data.at_end) return;
  const unread = Number(entry.dataset.unread || 0) + (inMainFlow(m) ? 1 : 0);
  const mentions = Number(entry.dataset.mentions || 0) + (NS.mentionsMe(m) ? 1 : 0);
  setCounts(entry, unread, mentions);
}
let refreshing = null, again = false;
function refreshSidebar() {
  if (refreshing) { again = true; return; }
  refreshing = setTimeout(async () => {
    const nav = document.querySelector(".chat-sidebar");
    const result = await NS.get(`${data.home}sidebar/`, true);
    refreshing = null;
    if (again) { again = false; refreshSidebar(); }
    if (!nav || !result.ok || !result.text) return;
    const template = document.createElement("template");
    template.innerHTML = result.text;  // server-rendered fragment
    const fresh = template.content.querySelector(".chat-sidebar");
    if (fresh) nav.replaceChildren(...fresh.childNodes);
    if (channelId) { const entry = entryOf(channelId); if (entry) entry.querySelector("a").setAttribute("aria-current", "page"); }
    followPresence(); updateTitle();
  }, 300);
}

// ---- Read position and receipts --------------------------------------------------------
function maybeRead() {
  if (!channelId || !data.can.is_member || !data.at_end || document.hidden || !atBottom()) return;
  clearTimeout(readTimer);
  readTimer = setTimeout(async () => {
    readTimer = null;
    const last = lastMainId();
    if (!last || last <= readSent) return;
    readSent = last;
    const result = await NS.send(`${data.base}read`, {message_id: last});
    if (result.ok) setCounts(entryOf(channelId), 0, 0);
  }, 400);
}
// Leaving right after a message arrived: the read position still reaches the server.
addEventListener("pagehide", () => {
  if (readTimer === null) return;
  clearTimeout(readTimer);
  const last = lastMainId(), token = document.querySelector("input[name=csrfmiddlewaretoken]");
  if (!last || last <= readSent || !token) return;
  const fields = new FormData();
  fields.append("csrfmiddlewaretoken", token.value);
  fields.append("message_id", last);
  navigator.sendBeacon(`${data.base}read`, fields);
});
function renderReceipts() {
  if (!receipts || !data.receipts) return;
  const last = lastMainId();
  const names = Object.entries(data.receipts)
    .filter(([id, position]) => Number(id) !== data.me.id && position >= last && last)
    .map(([id]) => NS.nameOf(id)).filter(Boolean);
  receipts.textContent = names.length ? t("seen_by", {names: listFormat.format(names)}) : "";
}

// ---- Live messages ---------------------------------------------------------------------
function markNewLine(li) {
  if (!mainList || mainList.querySelector(".chat-unread-line")) return;
  const line = document.createElement("li");
  line.className = "chat-unread-line";
  line.textContent = t("new_messages");
  mainList.insertBefore(line, li);
  li.classList.remove("msg-cont");
}
function received(m, own = false) {
  if (!sameChannel(m)) return;
  if (m.author) typers.delete(m.author.id);
  if (inMainFlow(m) && mainList && data.at_end) {
    const stick = own || atBottom();
    const [li, added] = NS.place(mainList, m);
    if (added && !isMine(m)) {
      if (!stick || document.hidden) markNewLine(li);
      if (announce) announce.textContent = t("announce", {name: m.sender_name, text: plain(m.html).slice(0, 200)});
    }
    if (stick) scrollToBottom();
  }
  const thread = side && m.thread_root_id ? side.querySelector(`.chat-messages[data-thread="${m.thread_root_id}"]`) : null;
  if (thread) {
    const body = side.querySelector(".side-body");
    const stick = own || body.scrollHeight - body.scrollTop - body.clientHeight < 48;
    NS.place(thread, m, "t-");
    if (stick) body.scrollTop = body.scrollHeight;
  }
  renderTyping(); renderReceipts(); maybeRead();
}
function changed(payload) {
  for (const li of messagesWithId(payload.message.id)) NS.updateMessage(li, payload.message);
  renderReceipts();
}
const handlers = {
  "chat.message.posted": (p) => { bump(p.message); received(p.message); },
  "chat.message.edited": changed,
  "chat.message.deleted": changed,
  "chat.reaction": (p) => { for (const li of messagesWithId(p.message_id)) NS.renderReactions(li, p.reactions); },
  "chat.pin": (p) => {
    for (const li of messagesWithId(p.message_id)) NS.setPinned(li, p.pinned);
    if (side && side.querySelector("[data-panel=pins]") && sameChannel(p)) openSide(`${data.base}pins/`, sideTrigger, false);
  },
  "chat.thread": (p) => { for (const li of messagesWithId(p.root_id)) NS.setReplies(li, p.reply_count); },
  "chat.read": (p) => {
    if (p.user_id === data.me.id) {
      const entry = entryOf(p.channel_id);
      if (entry && p.last_read_id >= Number(entry.dataset.lastId || 0)) setCounts(entry, 0, p.unread_mentions);
      else if (entry) setCounts(entry, Number(entry.dataset.unread || 0), p.unread_mentions);
    } else if (sameChannel(p) && data.receipts) {
      data.receipts[p.user_id] = p.last_read_id; renderReceipts();
    }
  },
  "chat.channel.changed": (p) => {
    if (sameChannel(p) && data.channel.kind !== "direct") {
      const title = document.getElementById("chat-title-name"), topic = document.getElementById("chat-topic");
      if (title) title.textContent = p.channel.name;
      if (topic) topic.textContent = p.channel.topic;
    }
    refreshSidebar();
  },
  "person.status": (p) => {
    setPresence(p.user_id, null, p.do_not_disturb);
    for (const line of document.querySelectorAll(`[data-status-user="${Number(p.user_id)}"]`)) {
      const text = [p.emoji, p.text].filter(Boolean).join(" ");
      line.textContent = text ? ` · ${text}` : "";
    }
  },
  "chat.member": (p) => {
    if (p.user_id !== data.me.id) return;
    refreshSidebar();
    if (sameChannel(p) && (p.change === "removed" || p.change === "left")) {
      for (const form of document.querySelectorAll("form[data-composer]")) {
        const note = document.createElement("p");
        note.className = "chat-readonly"; note.textContent = t("removed");
        form.replaceWith(note);
      }
      data.can = {view: true};
    }
  },
};
document.addEventListener("atrium:event", (event) => {
  const {event: name, payload} = event.detail;
  const handler = handlers[name];
  if (handler && payload) handler(payload);
});

// ---- Typing and presence ---------------------------------------------------------------
function renderTyping() {
  const line = document.querySelector(".chat-pane .typing");
  const now = Date.now();
  for (const [id, who] of typers) if (who.until < now) typers.delete(id);
  const names = [...typers.values()].map((who) => who.name);
  const text = !names.length ? "" : names.length === 1 ? t("typing_one", {name: names[0]})
    : names.length === 2 ? t("typing_two", {a: names[0], b: names[1]}) : t("typing_many");
  if (line && line.textContent !== text) line.textContent = text;
  clearTimeout(typingTimer);
  if (names.length) typingTimer = setTimeout(renderTyping, 1000);
}
function setPresence(userId, state, dnd) {
  for (const dot of document.querySelectorAll(`[data-presence-user="${Number(userId)}"]`)) {
    if (state) dot.dataset.state = state;
    if (dnd !== undefined) dot.dataset.dnd = dnd ? "1" : "0";
    const label = t(dot.dataset.dnd === "1" ? "presence_dnd" : `presence_${dot.dataset.state}`);
    dot.setAttribute("aria-label", label);
    dot.title = label;
  }
}
const followed = new Set();
function followPresence() {
  const realtime = window.atriumRealtime;
  if (!realtime) return;
  for (const dot of document.querySelectorAll("[data-presence-user]")) {
    const id = dot.dataset.presenceUser;
    if (followed.has(id) || followed.size >= 100) continue;
    followed.add(id);
    realtime.subscribe(`presence:${id}`);
  }
}
document.addEventListener("atrium:signal", (event) => {
  const {audience, signal, payload} = event.detail;
  if (!payload) return;
  if (signal === "typing" && channelId && audience === `chat.channel:${channelId}` && payload.user_id !== data.me.id) {
    typers.set(payload.user_id, {name: payload.name, until: Date.now() + 6000});
    renderTyping();
  } else if (signal === "presence") {
    setPresence(payload.user_id, payload.state || "offline");
  }
});

// ---- Older history ---------------------------------------------------------------------
async function loadOlder() {
  const more = log && log.querySelector("[data-older]");
  const first = mainList && mainList.querySelector(":scope > .msg");
  if (!more || !first || loadingOlder) return;
  loadingOlder = true;
  const result = await NS.get(`${data.base}older?before=${first.dataset.id}`, true);
  if (result.ok) {
    const height = log.scrollHeight, top = log.scrollTop;
    const template = document.createElement("template");
    template.innerHTML = result.text;  // server-rendered fragment of chat/_messages.html
    const older = template.content;
    const firstDay = mainList.firstElementChild;
    const olderMessages = older.querySelectorAll(".msg");
    const lastOlder = olderMessages[olderMessages.length - 1];
    if (firstDay && firstDay.classList.contains("chat-day") && lastOlder && firstDay.dataset.day === lastOlder.dataset.day) firstDay.remove();
    NS.decorate(older);
    mainList.prepend(older);
    if (NS.isContinuation(first.previousElementSibling, first)) first.classList.add("msg-cont");
    log.scrollTop = top + (log.scrollHeight - height);
    if (result.headers.get("X-Chat-More") !== "1") {
      const start = document.createElement("p");
      start.className = "chat-start"; start.textContent = t("start");
      more.closest(".chat-older").replaceWith(start);
    }
  }
  loadingOlder = false;
}

// ---- Side panel: thread, pins, details ------------------------------------------------
function prepareSide() {
  NS.decorate(side);
  NS.setUpComposers(side);
  if (window.htmx) window.htmx.process(side);
}
async function openSide(url, trigger, focus = true) {
  if (!side) return;
  const result = await NS.get(url, true);
  if (!result.text) return;
  side.innerHTML = result.text;  // server-rendered fragment (chat/_side_*.html)
  side.hidden = false;
  prepareSide();
  history.replaceState(null, "", url);
  sideTrigger = trigger || sideTrigger;
  const body = side.querySelector(".side-body");
  if (body && side.querySelector("[data-thread]")) body.scrollTop = body.scrollHeight;
  if (focus) { const heading = side.querySelector("h2"); if (heading) heading.focus(); }
}
function closeSide() {
  if (!side) return;
  side.hidden = true; side.replaceChildren();
  history.replaceState(null, "", data.base);
  const back = sideTrigger && sideTrigger.isConnected ? sideTrigger : document.querySelector(".chat-pane textarea");
  if (back) back.focus();
}
if (side) {
  side.addEventListener("submit", async (event) => {
    const form = event.target.closest("form[data-side-form]");
    if (!form) return;
    event.preventDefault();
    const result = await NS.send(form.action, new FormData(form), true);
    if (result.text) {
      side.innerHTML = result.text;  // the panel again, server-rendered, with any error
      prepareSide();
      const status = side.querySelector("[role=alert], [role=status]") || side.querySelector("h2");
      if (status) { status.tabIndex = -1; status.focus(); }
    }
  });
}

// ---- Start -----------------------------------------------------------------------------
function start() {
  NS.decorate(document);
  const target = location.hash.startsWith("#message-") ? document.getElementById(location.hash.slice(1)) : null;
  const line = mainList && mainList.querySelector(".chat-unread-line");
  if (target) { target.classList.add("msg-target"); target.scrollIntoView({block: "center"}); }
  else if (line && log) log.scrollTop = Math.max(0, line.offsetTop - log.offsetTop - 60);
  else scrollToBottom();
  if (log) log.addEventListener("scroll", () => { if (log.scrollTop < 200) loadOlder(); maybeRead(); }, {passive: true});
  document.addEventListener("visibilitychange", maybeRead);
  if (channelId && window.atriumRealtime) window.atriumRealtime.subscribe(`chat.channel:${channelId}`);
  followPresence();
  renderReceipts(); updateTitle(); maybeRead();
  if (side && !side.hidden) prepareSide();
}
Object.assign(NS, {received, openSide, closeSide, loadOlder, changed, messagesWithId});
start();
