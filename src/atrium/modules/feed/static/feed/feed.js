// The feed, enhanced. Every form works without this script (it posts and comes back to the
// post's anchor); with it: forms answer in place, "load more" appends, new posts by others
// wait behind a "N new posts" bar (never inserted under the reader's eyes), polls, reactions
// and comments update live from the page's socket (realtime.js dispatches `atrium:event`),
// the composer takes dropped and pasted images, builds polls and suggests @mentions.
const island = document.getElementById("feed-data");
const data = island ? JSON.parse(island.textContent) : null;
const stringsIsland = document.getElementById("feed-strings");
const strings = stringsIsland ? JSON.parse(stringsIsland.textContent) : {};
const t = (key, vars = {}) => (strings[key] || "").replace(/\{(\w+)\}/g, (_, k) => String(vars[k] ?? ""));
const list = document.getElementById("feed-items");
const bar = document.querySelector(".feed-new-bar");
const pending = new Set();
const timers = new Map();

function fragment(html) {
  const template = document.createElement("template");
  template.innerHTML = html;  // server-rendered, escaped and sanitised there
  return template.content;
}

async function request(url, options = {}) {
  const headers = {"X-Atrium-Fetch": "1", ...(options.headers || {})};
  try {
    const response = await fetch(url, {credentials: "same-origin", ...options, headers});
    const type = response.headers.get("Content-Type") || "";
    const body = type.includes("json") ? await response.json() : await response.text();
    return {ok: response.ok, status: response.status, body};
  } catch (error) {
    return {ok: false, status: 0, body: null};
  }
}

const postsWithId = (id) => document.querySelectorAll(`article.post[data-post="${Number(id)}"]`);
const here = () => location.pathname + location.search;
const partialUrl = (article) => {
  const url = new URL(article.dataset.url, location.origin);
  url.searchParams.set("partial", "1");
  url.searchParams.set("next", here());
  return url.pathname + url.search;
};

// Someone is busy in this part of a post: an open menu or picker, typed text.
function busy(region) {
  if (region.querySelector("details[open]")) return true;
  return [...region.querySelectorAll("textarea, input[type=text]")].some((f) => f.value.trim());
}

// Where the keyboard is, in words that survive a redraw: an element's id, else its form's
// address and the button's value.
function focusKey(element) {
  if (!element || element === document.body) return null;
  if (element.id) return {id: element.id};
  const form = element.form || element.closest("form");
  return form ? {action: form.getAttribute("action") || "", value: element.getAttribute("value")} : null;
}
function refocus(scope, key) {
  if (!key || !scope) return;
  if (key.id) { document.getElementById(key.id)?.focus(); return; }
  const action = CSS.escape(key.action);
  const again = (key.value && scope.querySelector(`form[action="${action}"] button[value="${CSS.escape(key.value)}"]`))
    || scope.querySelector(`form[action="${action}"] textarea, form[action="${action}"] button`);
  if (again) again.focus();
}

// Put the server's new drawing of a post in place, region by region, leaving alone the
// regions someone is using (unless `force`: the answer to their own form).
function refreshArticle(article, fresh, force = null) {
  const next = fresh.querySelector("article.post");
  if (!next) return;
  const regions = article.querySelectorAll("[data-live]");
  if (force === true || !busy(article)) {
    const key = article.contains(document.activeElement) ? focusKey(document.activeElement) : null;
    article.replaceWith(next);
    refocus(next, key);
    return;
  }
  for (const region of regions) {
    const name = region.dataset.live;
    const replacement = next.querySelector(`[data-live="${name}"]`);
    if (!replacement || (busy(region) && region !== force)) continue;
    const key = region.contains(document.activeElement) ? focusKey(document.activeElement) : null;
    region.replaceWith(replacement);
    refocus(replacement, key);
  }
}

async function refreshPost(id) {
  const articles = postsWithId(id);
  if (!articles.length) return;
  const answer = await request(partialUrl(articles[0]));
  if (answer.status === 404) { for (const a of postsWithId(id)) a.remove(); return; }
  if (!answer.ok || typeof answer.body !== "string") return;
  for (const article of postsWithId(id)) refreshArticle(article, fragment(answer.body));
}

function scheduleRefresh(id) {
  clearTimeout(timers.get(id));
  timers.set(id, setTimeout(() => { timers.delete(id); refreshPost(id); }, 250));
}

// ---- the "N new posts" bar --------------------------------------------------------------
function showBar() {
  if (!bar) return;
  const n = pending.size;
  bar.hidden = n === 0;
  bar.textContent = t(n === 1 ? "new_one" : "new_other", {n});
}

async function insertPending() {
  if (!list || !pending.size) return;
  const postOf = (key) => Number(key.split(":")[1]);
  const ids = [...pending].sort((a, b) => postOf(b) - postOf(a));
  pending.clear(); showBar();
  const fresh = [];
  for (const id of ids) {
    if (postsWithId(id).length) continue;
    const [spaceId, postId] = id.split(":");
    const slug = data.spaces[spaceId];
    if (!slug) continue;
    const answer = await request(`/s/${encodeURIComponent(slug)}/feed/${Number(postId)}/?partial=1&next=${encodeURIComponent(here())}`);
    if (answer.ok && typeof answer.body === "string") {
      const article = fragment(answer.body).querySelector("article.post");
      if (article) fresh.push(article);
    }
  }
  list.prepend(...fresh);
  if (fresh.length) { fresh[0].tabIndex = -1; fresh[0].focus(); }
}

if (bar) bar.addEventListener("click", insertPending);

if (data && data.live) {
  const follow = () => {
    if (!window.atriumRealtime) return;
    for (const id of Object.keys(data.spaces || {})) window.atriumRealtime.subscribe(`space:${id}`);
  };
  follow();
  document.addEventListener("atrium:realtime-ready", follow);
}

document.addEventListener("atrium:event", (event) => {
  const {event: name, payload} = event.detail || {};
  if (!name || !name.startsWith("feed.") || !payload || !payload.post_id) return;
  const shownHere = postsWithId(payload.post_id).length > 0;
  if (name === "feed.post.created") {
    if (!shownHere && data && data.live && list && data.spaces[String(payload.space_id)]) {
      pending.add(`${payload.space_id}:${payload.post_id}`);
      showBar();
    }
    return;
  }
  if (name === "feed.post.deleted") {
    pending.delete(`${payload.space_id}:${payload.post_id}`); showBar();
    for (const article of postsWithId(payload.post_id)) if (!busy(article)) article.remove();
    return;
  }
  if (shownHere) scheduleRefresh(payload.post_id);
});

// ---- forms answered in place ---------------------------------------------------------------
function showError(form, message) {
  let box = form.querySelector(".feed-error");
  if (!box) {
    box = document.createElement("p");
    box.className = "message message-error feed-error";
    box.setAttribute("role", "alert");
    form.prepend(box);
  }
  box.textContent = message || t("failed");
}

document.addEventListener("submit", async (event) => {
  const form = event.target;
  if (!(form instanceof HTMLFormElement)) return;
  if (form.dataset.confirm && !window.confirm(t(form.dataset.confirm === "delete" ? "confirm_delete" : "confirm_delete_comment"))) {
    event.preventDefault(); return;
  }
  if (!form.hasAttribute("data-enhance")) return;
  const article = form.closest("article.post");
  if (!article) return;
  event.preventDefault();
  const body = new FormData(form, event.submitter || undefined);
  const buttons = form.querySelectorAll("button");
  buttons.forEach((b) => { b.disabled = true; });
  const answer = await request(form.action, {method: "POST", body});
  buttons.forEach((b) => { b.disabled = false; });
  if (answer.ok && typeof answer.body === "string") {
    const region = form.closest("[data-live]");
    const container = article.parentElement;
    const key = {action: form.getAttribute("action") || "",
                 value: event.submitter ? event.submitter.getAttribute("value") : null};
    // The answer replaces what the person acted on, even if it holds their focus.
    if (region) { region.querySelectorAll("textarea").forEach((f) => { f.value = ""; }); }
    const fresh = fragment(answer.body);
    for (const a of postsWithId(article.dataset.post)) {
      refreshArticle(a, fresh.cloneNode(true), a === article ? (region || true) : null);
    }
    // Keyboard users keep their place: the same button, else the same form's first field.
    refocus(container && container.querySelector(`article.post[data-post="${Number(article.dataset.post)}"]`), key);
    return;
  }
  const message = answer.body && answer.body.error ? answer.body.error.message
    : answer.status === 0 ? t("network_error") : t("failed");
  showError(form, message);
});

// ---- reply under a comment: the post's comment form, with the comment as parent -------------
document.addEventListener("click", (event) => {
  const link = event.target.closest("a[data-reply]");
  if (!link) return;
  const article = link.closest("article.post");
  const main = article && article.querySelector(".post-comments > form.comment-form");
  if (!main) return;  // no form here: the link opens the post's page with it
  event.preventDefault();
  const id = Number(link.dataset.reply);
  const open = document.getElementById(`reply-${id}`);
  if (open) { open.focus(); return; }
  const form = main.cloneNode(true);
  const parent = document.createElement("input");
  parent.type = "hidden"; parent.name = "parent"; parent.value = String(id);
  form.prepend(parent);
  const box = form.querySelector("textarea");
  const label = form.querySelector("label");
  box.id = `reply-${id}`; box.value = ""; label.htmlFor = box.id;
  label.textContent = link.textContent;
  form.querySelector(".feed-error")?.remove();
  link.closest("li.comment").querySelector(".comment-tools").after(form);
  box.focus();
});

// ---- load more ------------------------------------------------------------------------------
document.addEventListener("click", async (event) => {
  const link = event.target.closest("[data-more-link]");
  if (!link || !list) return;
  event.preventDefault();
  const url = new URL(link.href, location.origin);
  url.searchParams.set("partial", "1");
  link.textContent = t("loading");
  const answer = await request(url.pathname + url.search);
  if (!answer.ok || typeof answer.body !== "string") { location.href = link.href; return; }
  const fresh = fragment(answer.body);
  const first = fresh.querySelector("article");
  link.closest("[data-more]").remove();
  list.append(fresh);
  if (first) { first.tabIndex = -1; first.focus(); }
});

// ---- composer: files dropped or pasted, poll builder, announcement, mentions -----------------
const composer = document.querySelector("form[data-composer]");
if (composer) {
  const images = composer.querySelector("input[name=images]");
  const files = composer.querySelector("input[name=files]");
  const chosen = composer.querySelector(".composer-chosen");
  const drawChosen = () => {
    chosen.replaceChildren();
    for (const input of [images, files]) {
      [...input.files].forEach((file, index) => {
        const item = document.createElement("li");
        const name = document.createElement("span");
        name.textContent = file.name;
        const remove = document.createElement("button");
        remove.type = "button"; remove.className = "linklike";
        remove.textContent = t("remove_file", {name: file.name});
        remove.addEventListener("click", () => {
          const keep = new DataTransfer();
          [...input.files].forEach((f, i) => { if (i !== index) keep.items.add(f); });
          input.files = keep.files; drawChosen(); input.focus();
        });
        item.append(name, remove);
        chosen.append(item);
      });
    }
    chosen.hidden = !chosen.children.length;
  };
  const add = (incoming) => {
    for (const file of incoming) {
      const input = file.type.startsWith("image/") ? images : files;
      const all = new DataTransfer();
      for (const f of input.files) all.items.add(f);
      all.items.add(file);
      input.files = all.files;
    }
    drawChosen();
  };
  images.addEventListener("change", drawChosen);
  files.addEventListener("change", drawChosen);
  composer.addEventListener("dragover", (event) => { event.preventDefault(); composer.closest(".composer").classList.add("dragging"); });
  composer.addEventListener("dragleave", () => composer.closest(".composer").classList.remove("dragging"));
  composer.addEventListener("drop", (event) => {
    event.preventDefault();
    composer.closest(".composer").classList.remove("dragging");
    if (event.dataTransfer && event.dataTransfer.files.length) add(event.dataTransfer.files);
  });
  composer.addEventListener("paste", (event) => {
    const pasted = event.clipboardData ? [...event.clipboardData.files] : [];
    if (pasted.length) { event.preventDefault(); add(pasted); }
  });

  const builder = composer.querySelector(".poll-builder");
  if (builder) {
    const renumber = () => {
      [...builder.children].forEach((item, i) => {
        const n = i + 1;
        item.querySelector("label").textContent = t("option_label", {n});
        item.querySelector("input").id = `poll-option-${n}`;
        item.querySelector("label").htmlFor = `poll-option-${n}`;
        const remove = item.querySelector(".poll-remove");
        if (remove) { remove.textContent = "×"; remove.setAttribute("aria-label", t("remove_option", {n})); remove.hidden = builder.children.length <= 2; }
      });
    };
    const equip = (item) => {
      if (item.querySelector(".poll-remove")) return;
      const remove = document.createElement("button");
      remove.type = "button"; remove.className = "button button-quiet button-small poll-remove";
      remove.addEventListener("click", () => {
        const target = item.previousElementSibling || item.nextElementSibling;
        item.remove(); renumber();
        target?.querySelector("input")?.focus();
      });
      item.append(remove);
    };
    [...builder.children].forEach(equip);
    const more = document.createElement("button");
    more.type = "button"; more.className = "button button-quiet button-small";
    more.textContent = t("add_option");
    more.addEventListener("click", () => {
      if (builder.children.length >= 20) return;
      const item = builder.lastElementChild.cloneNode(true);
      item.querySelector(".poll-remove")?.remove();
      item.querySelector("input").value = "";
      builder.append(item); equip(item); renumber();
      item.querySelector("input").focus();
    });
    builder.after(more);
    renumber();
  }

  const select = composer.querySelector("select[name=space]");
  const announce = composer.querySelector("[data-announce-fields]");
  if (select && announce) {
    const sync = () => {
      const option = select.selectedOptions[0];
      announce.hidden = !(option && option.dataset.announce === "1");
      if (announce.hidden) announce.querySelectorAll("input[type=checkbox]").forEach((c) => { c.checked = false; });
    };
    select.addEventListener("change", sync);
    sync();
  }
}

// Mentions: "@" followed by letters suggests people (the directory's API) and inserts <@id>.
let suggest = null;
function closeSuggest() { if (suggest) { suggest.list.remove(); suggest.field.removeAttribute("aria-activedescendant"); suggest.field.setAttribute("aria-expanded", "false"); suggest = null; } }
function pick(person) {
  const {field, start} = suggest;
  const end = field.selectionStart;
  field.setRangeText(`<@${person.id}> `, start, end, "end");
  closeSuggest(); field.focus();
}
function choose(delta) {
  const items = [...suggest.list.children];
  suggest.index = (suggest.index + delta + items.length) % items.length;
  items.forEach((li, i) => li.setAttribute("aria-selected", String(i === suggest.index)));
  suggest.field.setAttribute("aria-activedescendant", items[suggest.index].id);
}
let lookup = 0;
document.addEventListener("input", async (event) => {
  const field = event.target;
  if (!(field instanceof HTMLTextAreaElement) || !field.hasAttribute("data-mentions")) return;
  const before = field.value.slice(0, field.selectionStart);
  const match = /(^|\s)@([\p{L}\p{N}_.-]{1,40})$/u.exec(before);
  if (!match) { closeSuggest(); return; }
  const mine = ++lookup;
  const answer = await request(`/api/v1/people?limit=6&q=${encodeURIComponent(match[2])}`);
  if (mine !== lookup || !answer.ok || !answer.body || !answer.body.items) return;
  closeSuggest();
  const people = answer.body.items.filter((p) => p.is_active !== false);
  if (!people.length) return;
  const ul = document.createElement("ul");
  ul.className = "mention-list"; ul.id = `mentions-${field.id}`; ul.setAttribute("role", "listbox");
  people.forEach((person, i) => {
    const li = document.createElement("li");
    li.id = `${ul.id}-${i}`; li.setAttribute("role", "option");
    li.textContent = person.display_name;
    li.addEventListener("mousedown", (e) => { e.preventDefault(); pick(person); });
    ul.append(li);
  });
  field.after(ul);
  field.setAttribute("aria-controls", ul.id); field.setAttribute("aria-expanded", "true");
  suggest = {field, list: ul, people, index: -1, start: before.length - match[2].length - 1};
  choose(1);
});
document.addEventListener("keydown", (event) => {
  if (!suggest || event.target !== suggest.field) return;
  if (event.key === "ArrowDown" || event.key === "ArrowUp") { event.preventDefault(); choose(event.key === "ArrowDown" ? 1 : -1); }
  else if (event.key === "Enter" || event.key === "Tab") { event.preventDefault(); pick(suggest.people[suggest.index]); }
  else if (event.key === "Escape") { closeSuggest(); }
});
document.addEventListener("focusout", (event) => { if (suggest && event.target === suggest.field) setTimeout(closeSuggest, 150); });
