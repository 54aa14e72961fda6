// Chat composer: Enter sends, Shift+Enter makes a new line, Up in an empty composer edits your
// last message, @ suggests people (sent as <@id>, shown as @Name), files upload when chosen,
// pasted or dropped and go with the next message. Also the inline message editor.
const NS = window.atriumChat;
const {data, t} = NS;
const TYPING_EVERY_MS = 3000;
const MAX_SUGGESTIONS = 8;
let lastTyping = 0;

const fold = (text) => text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();

function encodeMentions(text, picked) {
  const names = [...picked.keys()].sort((a, b) => b.length - a.length);
  for (const name of names) text = text.split(`@${name}`).join(`<@${picked.get(name)}>`);
  return text;
}

function decodeMentions(text, picked) {
  return text.replace(/<@(\d{1,18})>/g, (all, id) => {
    const name = NS.nameOf(id);
    if (!name) return all;
    picked.set(name, Number(id));
    return `@${name}`;
  });
}

// ---- Mentions autocomplete -------------------------------------------------------------
function candidates(query) {
  const wanted = fold(query);
  const people = Object.entries(data.members || {})
    .filter(([id, person]) => Number(id) !== data.me.id && fold(person.name).split(/\s+/).some((part) => part.startsWith(wanted)))
    .slice(0, MAX_SUGGESTIONS)
    .map(([id, person]) => ({id: Number(id), name: person.name, label: person.name}));
  for (const word of ["channel", "here"]) {
    if (word.startsWith(wanted) && data.channel && data.channel.kind !== "direct") {
      people.push({id: null, name: word, label: `@${word} — ${t(`mention_${word}`)}`});
    }
  }
  return people;
}

function attachSuggestions(form, textarea) {
  const list = form.querySelector(".suggest");
  const status = form.querySelector("[data-suggest-status]");
  if (!list) return () => false;
  let items = [], active = 0, start = -1;
  const close = () => {
    list.hidden = true; list.replaceChildren(); items = []; start = -1;
    textarea.removeAttribute("aria-activedescendant");
  };
  const choose = (item) => {
    const before = textarea.value.slice(0, start), after = textarea.value.slice(textarea.selectionStart);
    const inserted = `@${item.name} `;
    if (item.id !== null) form.picked.set(item.name, item.id);
    textarea.value = before + inserted + after;
    const caret = before.length + inserted.length;
    textarea.setSelectionRange(caret, caret);
    close();
    textarea.focus();
  };
  const show = () => {
    list.replaceChildren();
    items.forEach((item, index) => {
      const option = document.createElement("li");
      option.id = `${list.id}-${index}`;
      option.setAttribute("role", "option");
      option.setAttribute("aria-selected", String(index === active));
      option.textContent = item.label;
      option.addEventListener("mousedown", (event) => { event.preventDefault(); choose(item); });
      list.append(option);
    });
    list.hidden = !items.length;
    if (items.length) textarea.setAttribute("aria-activedescendant", `${list.id}-${active}`);
    else textarea.removeAttribute("aria-activedescendant");
    if (status) status.textContent = items.length ? t("suggestions", {n: items.length}) : "";
  };
  textarea.addEventListener("input", () => {
    const upto = textarea.value.slice(0, textarea.selectionStart);
    const match = upto.match(/(^|[\s(])@([^\s@<>]{0,30})$/u);
    if (!match) { close(); return; }
    start = upto.length - match[2].length - 1;
    items = candidates(match[2]); active = 0;
    show();
  });
  textarea.addEventListener("blur", () => setTimeout(close, 150));
  // Returns true when the key was for the suggestions.
  return (event) => {
    if (list.hidden || !items.length) return false;
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      active = (active + (event.key === "ArrowDown" ? 1 : items.length - 1)) % items.length;
      show();
    } else if (event.key === "Enter" || event.key === "Tab") {
      choose(items[active]);
    } else if (event.key === "Escape") {
      close();
    } else {
      return false;
    }
    event.preventDefault();
    return true;
  };
}

// ---- Uploads ---------------------------------------------------------------------------
function upload(form, file) {
  const pending = form.querySelector(".pending");
  const item = document.createElement("li");
  const label = document.createElement("span");
  label.textContent = t("uploading", {name: file.name});
  item.append(label);
  pending.append(item);
  const fields = new FormData();
  fields.append("file", file, file.name || "file");
  const job = NS.send(`${data.base}upload`, fields).then((result) => {
    if (!result.ok || !result.json || !result.json.attachment) {
      item.dataset.state = "error";
      label.textContent = t("upload_failed", {name: file.name, error: result.error});
    } else {
      const attachment = result.json.attachment;
      item.dataset.id = attachment.id;
      label.textContent = attachment.name;
      if (attachment.thumbnail_url) {
        const img = document.createElement("img");
        img.src = attachment.thumbnail_url; img.alt = "";
        item.prepend(img);
      }
      const input = document.createElement("input");
      input.type = "hidden"; input.name = "attachment"; input.value = attachment.id;
      item.append(input);
    }
    const remove = document.createElement("button");
    remove.type = "button"; remove.className = "tool tool-close";
    remove.setAttribute("aria-label", t("remove_file", {name: file.name}));
    remove.addEventListener("click", () => { item.remove(); form.querySelector("textarea").focus(); });
    item.append(remove);
  });
  form.uploads.add(job);
  job.finally(() => form.uploads.delete(job));
}

function uploadAll(form, files) {
  for (const file of files) upload(form, file);
}

// ---- Sending ---------------------------------------------------------------------------
async function submit(form) {
  if (form.dataset.busy) return;
  const textarea = form.querySelector("textarea");
  const error = form.querySelector(".composer-error");
  form.dataset.busy = "1";
  try {
    await Promise.all([...form.uploads]);
    const body = encodeMentions(textarea.value, form.picked).trim();
    const ids = [...form.querySelectorAll(".pending input[name=attachment]")].map((input) => input.value);
    if (!body && !ids.length) return;
    const fields = new FormData();
    fields.append("body", body);
    for (const name of ["thread_root"]) {
      const input = form.querySelector(`input[name=${name}]`);
      if (input) fields.append(name, input.value);
    }
    const also = form.querySelector("input[name=also_in_channel]");
    if (also && also.checked) fields.append("also_in_channel", "1");
    for (const id of ids) fields.append("attachment", id);
    const result = await NS.send(form.action, fields);
    if (!result.ok) { error.textContent = result.error; return; }
    textarea.value = ""; error.textContent = "";
    form.querySelector(".pending").replaceChildren();
    form.picked.clear();
    if (also) also.checked = false;
    if (result.json && result.json.message && NS.received) NS.received(result.json.message, true);
  } finally {
    delete form.dataset.busy;
  }
}

function lastOwnMessage(form) {
  const scope = form.closest(".chat-side") || document.querySelector(".chat-pane");
  const list = scope && scope.querySelector(".chat-messages[data-main], .chat-messages[data-thread]");
  if (!list) return null;
  const mine = [...list.querySelectorAll(":scope > .msg")].filter((li) => {
    const edit = li.querySelector("[data-act=edit]");
    return edit && !edit.hidden;
  });
  return mine[mine.length - 1] || null;
}

function setUpComposer(form) {
  if (form.dataset.ready) return;
  form.dataset.ready = "1";
  form.picked = new Map();
  form.uploads = new Set();
  const textarea = form.querySelector("textarea");
  const fileInput = form.querySelector("input[type=file]");
  const suggestKey = attachSuggestions(form, textarea);
  form.addEventListener("submit", (event) => { event.preventDefault(); submit(form); });
  textarea.addEventListener("keydown", (event) => {
    if (event.isComposing || suggestKey(event)) return;
    if (event.key === "Enter" && !event.shiftKey && !event.altKey && !event.ctrlKey) {
      event.preventDefault();
      submit(form);
    } else if (event.key === "ArrowUp" && textarea.value === "") {
      const li = lastOwnMessage(form);
      if (li) { event.preventDefault(); startEdit(li, textarea); }
    }
  });
  textarea.addEventListener("input", () => {
    const now = Date.now();
    if (textarea.value && data.channel && now - lastTyping > TYPING_EVERY_MS && window.atriumRealtime) {
      lastTyping = now;
      window.atriumRealtime.signal(`chat.channel:${data.channel.id}`, "typing");
    }
  });
  textarea.addEventListener("paste", (event) => {
    const files = [...(event.clipboardData ? event.clipboardData.files : [])];
    if (files.length) { event.preventDefault(); uploadAll(form, files); }
  });
  if (fileInput) {
    fileInput.addEventListener("change", () => { uploadAll(form, [...fileInput.files]); fileInput.value = ""; });
  }
  const zone = form.closest(".chat-side") || form.closest(".chat-pane") || form;
  zone.addEventListener("dragover", (event) => {
    if (!event.dataTransfer || ![...event.dataTransfer.types].includes("Files")) return;
    event.preventDefault(); form.classList.add("dragging");
  });
  zone.addEventListener("dragleave", (event) => { if (!zone.contains(event.relatedTarget)) form.classList.remove("dragging"); });
  zone.addEventListener("drop", (event) => {
    form.classList.remove("dragging");
    if (!event.dataTransfer || !event.dataTransfer.files.length) return;
    event.preventDefault(); event.stopPropagation();
    uploadAll(form, [...event.dataTransfer.files]);
  });
}

// ---- Editing a message in place --------------------------------------------------------
async function startEdit(li, returnTo) {
  if (li.querySelector(".msg-editor")) { li.querySelector(".msg-editor textarea").focus(); return; }
  const result = await NS.get(`${data.base}m/${li.dataset.id}`);
  if (!result.ok || !result.json || !result.json.message) return;
  const picked = new Map();
  const body = li.querySelector(".msg-body");
  const form = document.createElement("form");
  form.className = "msg-editor";
  const id = `edit-${li.id}`;
  const label = document.createElement("label");
  label.htmlFor = id; label.className = "visually-hidden"; label.textContent = t("edit_label");
  const textarea = document.createElement("textarea");
  textarea.id = id; textarea.name = "body"; textarea.maxLength = 40000;
  textarea.value = decodeMentions(result.json.message.body, picked);
  const row = document.createElement("div");
  row.className = "actions";
  const save = document.createElement("button");
  save.type = "submit"; save.className = "button"; save.textContent = t("save");
  const cancel = document.createElement("button");
  cancel.type = "button"; cancel.className = "button button-quiet"; cancel.textContent = t("cancel");
  const help = document.createElement("span");
  help.className = "help small"; help.textContent = t("edit_help");
  const error = document.createElement("p");
  error.className = "composer-error"; error.setAttribute("role", "alert");
  row.append(save, cancel, help);
  form.append(label, textarea, row, error);
  body.hidden = true;
  body.after(form);
  textarea.focus();
  textarea.setSelectionRange(textarea.value.length, textarea.value.length);
  const close = () => {
    form.remove(); body.hidden = false;
    const back = returnTo && returnTo.isConnected ? returnTo : li.querySelector("[data-act=edit]");
    if (back) back.focus();
  };
  cancel.addEventListener("click", close);
  textarea.addEventListener("keydown", (event) => {
    if (event.key === "Escape") { event.preventDefault(); close(); }
    else if (event.key === "Enter" && !event.shiftKey && !event.isComposing) { event.preventDefault(); form.requestSubmit(); }
  });
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const text = encodeMentions(textarea.value, picked).trim();
    const sent = await NS.send(`${data.base}m/${li.dataset.id}/edit`, {body: text});
    if (!sent.ok) { error.textContent = sent.error; return; }
    if (sent.json && sent.json.message) NS.updateMessage(li, sent.json.message);
    close();
  });
}

function setUpComposers(root = document) {
  for (const form of root.querySelectorAll("form[data-composer]")) setUpComposer(form);
}

Object.assign(NS, {setUpComposers, startEdit});
setUpComposers();
