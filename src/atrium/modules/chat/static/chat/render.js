// Chat: the page's data, translations, and one message rendered from its JSON payload with the
// same markup as the server's (the <template id="chat-message-template"> holds chat/_message.html).
// Only `message.html`, already sanitised by the server, is ever inserted as HTML; every other
// field goes through textContent or an attribute.
const NS = window.atriumChat = window.atriumChat || {};
const island = (id) => {
  const element = document.getElementById(id);
  try { return element ? JSON.parse(element.textContent) : null; } catch { return null; }
};
const data = island("chat-data") || {me: {id: 0}, can: {}, members: {}};
const strings = island("chat-strings") || {};
const lang = document.documentElement.lang || "en";
const zone = data.tz || undefined;
const CONT_MS = 5 * 60_000;

function t(key, vars = {}) {
  return (strings[key] || key).replace(/\{(\w+)\}/g, (all, name) => (name in vars ? String(vars[name]) : all));
}
function plural(key, n) {
  const form = new Intl.PluralRules(lang).select(n) === "one" ? "one" : "other";
  return t(`${key}_${form}`, {n});
}
const timeFormat = new Intl.DateTimeFormat(lang, {hour: "2-digit", minute: "2-digit", hourCycle: "h23", timeZone: zone});
const dayFormat = new Intl.DateTimeFormat("en-CA", {year: "numeric", month: "2-digit", day: "2-digit", timeZone: zone});
const longDay = new Intl.DateTimeFormat(lang, {weekday: "long", day: "numeric", month: "long", year: "numeric", timeZone: zone});
const dayOf = (iso) => dayFormat.format(new Date(iso));
function dayLabel(iso) {
  const day = dayOf(iso), now = Date.now();
  if (day === dayFormat.format(new Date(now))) return t("today");
  if (day === dayFormat.format(new Date(now - 86_400_000))) return t("yesterday");
  return longDay.format(new Date(iso));
}
function sizeLabel(bytes) {
  const units = ["B", "KB", "MB", "GB"];
  let value = bytes, unit = 0;
  while (value >= 1024 && unit < units.length - 1) { value /= 1024; unit += 1; }
  return `${new Intl.NumberFormat(lang, {maximumFractionDigits: unit ? 1 : 0}).format(value)} ${units[unit]}`;
}
const nameOf = (id) => (data.members && data.members[id] ? data.members[id].name : "");
const mentionsMe = (m) => !!m && (m.mentions_channel || (m.mention_ids || []).includes(data.me.id));
const threadUrl = (id) => `${data.base}thread/${id}/`;

function abilitiesFor(m) {
  const can = data.can || {};
  const own = !!m.author && m.author.id === data.me.id;
  const live = !!can.view && !m.deleted;
  return {
    reply: !!can.post && !m.deleted && !m.thread_root_id,
    edit: live && own && !!can.post,
    delete: live && (own || !!can.moderate),
    react: !!can.react && !m.deleted,
    pin: !!can.pin && !m.deleted,
  };
}

function renderFiles(li, files) {
  const list = li.querySelector(".msg-files");
  list.replaceChildren();
  for (const file of files || []) {
    const item = document.createElement("li");
    const link = document.createElement("a");
    link.href = file.url;
    if (file.thumbnail_url) {
      item.className = "file-image";
      link.target = "_blank"; link.rel = "noopener";
      const img = document.createElement("img");
      img.src = file.thumbnail_url; img.alt = file.name; img.loading = "lazy";
      if (file.width && file.height) { img.width = file.width; img.height = file.height; }
      link.append(img);
    } else {
      link.className = "file-link"; link.setAttribute("download", "");
      const icon = document.createElement("span"), name = document.createElement("span"), size = document.createElement("span");
      icon.className = "icon icon-clip"; icon.setAttribute("aria-hidden", "true");
      name.className = "file-name"; name.textContent = file.name;
      size.className = "file-size"; size.textContent = sizeLabel(file.size);
      link.append(icon, name, " ", size);
    }
    item.append(link);
    list.append(item);
  }
}

function renderReactions(li, reactions) {
  const box = li.querySelector(".msg-reactions");
  const canReact = !li.classList.contains("msg-deleted") && !!(data.can || {}).react;
  box.replaceChildren();
  for (const reaction of reactions || []) {
    const button = document.createElement("button");
    button.type = "button"; button.className = "reaction"; button.dataset.emoji = reaction.emoji;
    button.setAttribute("aria-pressed", String(reaction.user_ids.includes(data.me.id)));
    button.title = reaction.user_ids.map(nameOf).filter(Boolean).join(", ");
    button.disabled = !canReact;
    const count = document.createElement("span");
    count.className = "reaction-count"; count.textContent = reaction.count;
    button.append(`${reaction.emoji} `, count);
    box.append(button);
  }
}

function setPinned(li, pinned) {
  li.querySelector(".msg-pin").hidden = !pinned;
  li.querySelector("[data-act=pin]").setAttribute("aria-pressed", String(!!pinned));
}

function setReplies(li, count) {
  const replies = li.querySelector(".msg-replies");
  replies.hidden = !count;
  replies.querySelector("a").textContent = count ? plural("replies", count) : "";
}

function setTools(li, m) {
  const can = abilitiesFor(m);
  for (const act of ["react", "reply", "pin", "edit", "delete"]) {
    const tool = li.querySelector(`[data-act=${act}]`);
    if (tool) tool.hidden = !can[act];
  }
}

// Marks mentions of the reader and highlights code: for server-rendered and live messages.
function decorate(root) {
  for (const span of root.querySelectorAll(".mention[data-user-id]")) {
    span.classList.toggle("mention-me", Number(span.dataset.userId) === data.me.id);
  }
  if (NS.highlightWithin) NS.highlightWithin(root);
}

function updateMessage(li, m) {
  li.classList.toggle("msg-deleted", !!m.deleted);
  li.classList.toggle("msg-mention", mentionsMe(m) && !m.deleted);
  li.classList.toggle("msg-mine", !!m.author && m.author.id === data.me.id);
  li.querySelector(".msg-edited").hidden = !m.edited_at || !!m.deleted;
  li.querySelector(".msg-body").innerHTML = m.deleted ? "" : m.html; // sanitised by the server
  li.querySelector(".msg-gone").hidden = !m.deleted;
  const context = li.querySelector(".msg-context");
  context.hidden = !m.also_in_channel;
  const contextLink = context.querySelector("a");
  contextLink.href = m.thread_root_id ? threadUrl(m.thread_root_id) : "#";
  contextLink.dataset.openThread = m.thread_root_id || "";
  renderFiles(li, m.deleted ? [] : m.attachments);
  renderReactions(li, m.deleted ? [] : m.reactions);
  setPinned(li, m.pinned && !m.deleted);
  setReplies(li, m.reply_count);
  setTools(li, m);
  decorate(li);
}

function renderMessage(m, prefix = "") {
  const template = document.getElementById("chat-message-template");
  const li = template.content.firstElementChild.cloneNode(true);
  li.id = `${prefix}message-${m.id}`;
  li.dataset.id = m.id;
  li.dataset.author = m.author ? m.author.id : "";
  li.dataset.created = m.created_at;
  li.dataset.day = dayOf(m.created_at);
  li.dataset.root = m.thread_root_id || "";
  li.querySelector(".msg-avatar").textContent = m.author ? m.author.initials : "#";
  li.querySelector(".msg-author").textContent = m.sender_name || "";
  li.querySelector(".msg-bot").hidden = !!m.author && !m.author.is_bot;
  const link = li.querySelector(".msg-time");
  link.href = m.thread_root_id && !m.also_in_channel ? threadUrl(m.thread_root_id) : `${data.base}?around=${m.id}#message-${m.id}`;
  const time = link.querySelector("time");
  time.dateTime = m.created_at; time.textContent = timeFormat.format(new Date(m.created_at));
  for (const opener of li.querySelectorAll(".msg-replies a, [data-act=reply]")) {
    opener.href = threadUrl(m.id); opener.dataset.openThread = m.id;
  }
  updateMessage(li, m);
  return li;
}

function isContinuation(previous, li) {
  if (!previous || !previous.classList.contains("msg") || !li.dataset.author) return false;
  if (previous.dataset.author !== li.dataset.author || previous.dataset.day !== li.dataset.day) return false;
  return new Date(li.dataset.created) - new Date(previous.dataset.created) < CONT_MS;
}

function daySeparator(iso) {
  const item = document.createElement("li");
  item.className = "chat-day"; item.dataset.day = dayOf(iso);
  const time = document.createElement("time");
  time.dateTime = dayOf(iso); time.textContent = dayLabel(iso);
  item.append(time);
  return item;
}

// Puts a message in a list in id order, with a day separator when the day changes; updates
// it in place if it is already there. Returns [element, added].
function place(list, m, prefix = "") {
  const existing = list.querySelector(`:scope > .msg[data-id="${m.id}"]`);
  if (existing) { updateMessage(existing, m); return [existing, false]; }
  const li = renderMessage(m, prefix);
  const messages = list.querySelectorAll(":scope > .msg");
  const last = messages[messages.length - 1] || null;
  if (last && Number(last.dataset.id) > m.id) {  // late arrival: slot it in, plainly
    const next = [...messages].find((item) => Number(item.dataset.id) > m.id);
    list.insertBefore(li, next);
    return [li, true];
  }
  const tail = list.lastElementChild;
  const dayShown = last ? last.dataset.day === li.dataset.day
    : !!tail && tail.classList.contains("chat-day") && tail.dataset.day === li.dataset.day;
  if (!dayShown) list.append(daySeparator(m.created_at));
  li.classList.toggle("msg-cont", isContinuation(dayShown ? last : null, li));
  list.append(li);
  return [li, true];
}


function csrf() {
  const input = document.querySelector("input[name=csrfmiddlewaretoken]");
  return input ? input.value : "";
}
// POSTs fields (an object or FormData) the way the chat views expect from scripts; answers
// {ok, status, json, text, error} and never throws.
async function send(url, fields, fragment = false) {
  const body = fields instanceof FormData ? fields : new URLSearchParams(fields);
  const headers = {"X-CSRFToken": csrf(), "X-Atrium-Fetch": "1"};
  if (fragment) headers["X-Atrium-Fragment"] = "1";
  return answer(() => fetch(url, {method: "POST", body, headers, credentials: "same-origin"}));
}
async function get(url, fragment = false) {
  const headers = {"X-Atrium-Fetch": "1"};
  if (fragment) headers["X-Atrium-Fragment"] = "1";
  return answer(() => fetch(url, {headers, credentials: "same-origin"}));
}
async function answer(call) {
  let response;
  try { response = await call(); } catch { return {ok: false, status: 0, error: t("network_error")}; }
  const result = {ok: response.ok, status: response.status, headers: response.headers, error: ""};
  if ((response.headers.get("Content-Type") || "").includes("json")) {
    try { result.json = await response.json(); } catch { result.json = {}; }
    if (result.json.error) result.error = result.json.error.message || t("failed");
  } else {
    result.text = await response.text();
  }
  if (!response.ok && !result.error) result.error = response.status === 413 ? t("too_large") : t("failed");
  return result;
}

Object.assign(NS, {send, get, data, t, plural, dayOf, nameOf, mentionsMe, abilitiesFor, threadUrl,
  renderMessage, updateMessage, renderReactions, isContinuation, setPinned, setReplies, decorate, place, island});
