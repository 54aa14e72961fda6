// The drive's folder page: uploads (file chooser, folder chooser, drag-and-drop of files and
// folders) with progress, small files by a multipart POST and large ones through tus; "load
// more"; and the listing refreshed when someone changes the drive (events over the socket).
// Without this script the page still works: plain forms and links. The tus client is
// loaded only when a large file is chosen.

const island = document.getElementById("drive-data");
const data = island ? JSON.parse(island.textContent) : null;
const S = data ? data.strings : {};
const CONCURRENCY = 2;

function fill(text, values) {
  return text.replace(/\{(\w+)\}/g, (match, key) => (key in values ? String(values[key]) : match));
}
function csrf() {
  const input = document.querySelector("input[name=csrfmiddlewaretoken]");
  return input ? input.value : "";
}
const live = document.getElementById("drive-progress");
function announce(text) {
  if (!live) return;
  const line = document.createElement("p");
  line.textContent = text;
  live.append(line);
  while (live.childElementCount > 5) live.firstElementChild.remove();
}

// ---- the listing: refresh and "load more" ----
function order() { return new URL(location.href).searchParams.get("order") || "name"; }
let refreshTimer = null;
async function refresh() {
  const response = await fetch(`${data.rows_url}?order=${encodeURIComponent(order())}`,
                               {headers: {"X-Atrium-Fetch": "1"}, credentials: "same-origin"});
  if (!response.ok) return;
  const rows = document.getElementById("drive-rows");
  if (!rows) return;
  rows.innerHTML = await response.text();  // rendered and escaped by the server
  const table = rows.closest("table");
  const empty = document.getElementById("drive-empty");
  if (table) table.hidden = false;
  if (empty) empty.hidden = rows.childElementCount > 0;
  if (table && !rows.childElementCount) table.hidden = true;
  setMore(response.headers.get("X-Drive-More"));
}
function scheduleRefresh() {
  clearTimeout(refreshTimer);
  refreshTimer = setTimeout(refresh, 300);
}
function setMore(url) {
  let more = document.getElementById("drive-more");
  if (!url) { if (more) more.parentElement.remove(); return; }
  if (!more) {
    const holder = document.createElement("p");
    more = document.createElement("a");
    more.id = "drive-more"; more.className = "button button-quiet";
    more.textContent = document.getElementById("drive-list").dataset.moreLabel || "…";
    holder.append(more);
    document.getElementById("drive-list").append(holder);
  }
  more.href = url;
}
document.addEventListener("click", async (event) => {
  const more = event.target.closest("#drive-more");
  if (!more || !data) return;
  event.preventDefault();
  const response = await fetch(more.href, {headers: {"X-Atrium-Fetch": "1"}});
  if (!response.ok) { location.href = more.href; return; }
  const rows = document.getElementById("drive-rows");
  const before = rows.childElementCount;
  rows.insertAdjacentHTML("beforeend", await response.text());
  const next = response.headers.get("X-Drive-More");
  if (next) { more.href = next; return; }
  more.parentElement.remove();
  const first = rows.children[before];
  const link = first && first.querySelector("a");
  if (link) link.focus();
});

// ---- live updates ----
if (data) {
  const follow = () => window.atriumRealtime && window.atriumRealtime.subscribe(`space:${data.space_id}`);
  follow();
  document.addEventListener("atrium:realtime-ready", follow);
  document.addEventListener("atrium:event", (event) => {
    const {event: name, payload} = event.detail || {};
    if (!name || !name.startsWith("drive.node.") || !payload) return;
    if (payload.space_id === data.space_id) scheduleRefresh();
  });
}

// ---- uploads ----
const list = document.getElementById("drive-uploads");
const queue = [];
let running = 0, okCount = 0, failCount = 0;

function row(job) {
  const item = document.createElement("li");
  const name = document.createElement("span");
  name.textContent = job.path;
  const bar = document.createElement("progress");
  bar.max = 100; bar.value = 0;
  bar.setAttribute("aria-label", job.path);
  item.append(name, bar);
  list.append(item);
  job.item = item; job.bar = bar; job.label = name;
}
function progress(job, sent) {
  job.bar.value = job.file.size ? Math.floor((100 * sent) / job.file.size) : 100;
}
function finish(job, error) {
  running--;
  if (error) {
    failCount++;
    const text = fill(S.failed, {name: job.path, error: error.message || S.network_error});
    job.label.textContent = text;
    job.item.classList.add("drive-failed");
    job.bar.remove();
    announce(text);
  } else {
    okCount++;
    job.item.remove();
  }
  if (!running && !queue.length) {
    announce(fill(S.all_done, {ok: okCount, failed: failCount}));
    okCount = failCount = 0;
    refresh();
  }
  pump();
}

function postSmall(job) {
  return new Promise((resolve, reject) => {
    const form = new FormData();
    form.append("files", job.file, job.file.name);
    form.append("paths", job.path);
    const xhr = new XMLHttpRequest();
    xhr.open("POST", data.upload_url);
    xhr.setRequestHeader("X-CSRFToken", csrf());
    xhr.setRequestHeader("X-Atrium-Fetch", "1");
    xhr.upload.addEventListener("progress", (event) => progress(job, event.loaded * job.file.size / (event.total || 1)));
    xhr.addEventListener("load", () => {
      let body = {};
      try { body = JSON.parse(xhr.responseText); } catch { /* not JSON */ }
      if (xhr.status === 200) resolve(body);
      else reject(new Error((body.error && body.error.message) || `HTTP ${xhr.status}`));
    });
    xhr.addEventListener("error", () => reject(new Error(S.network_error)));
    xhr.send(form);
  });
}

async function postLarge(job) {
  const key = `atrium-drive-tus:${data.folder_id}:${job.path}:${job.file.size}:${job.file.lastModified}`;
  const {tusUpload} = await import(data.tus_script);
  const id = await tusUpload(job.file, {
    endpoint: data.tus_url, chunk: data.chunk, csrf: csrf(), key,
    onProgress: (sent) => progress(job, sent),
    onRetry: () => announce(fill(S.retrying, {name: job.path})),
  });
  const form = new FormData();
  form.append("upload", id);
  form.append("path", job.path);
  form.append("csrfmiddlewaretoken", csrf());
  const response = await fetch(data.claim_url, {method: "POST", body: form,
                                                headers: {"X-Atrium-Fetch": "1", "X-CSRFToken": csrf()}});
  const body = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error((body.error && body.error.message) || `HTTP ${response.status}`);
  return body;
}

function pump() {
  while (running < CONCURRENCY && queue.length) {
    const job = queue.shift();
    running++;
    (job.file.size > data.small ? postLarge(job) : postSmall(job))
      .then(() => finish(job, null), (error) => finish(job, error));
  }
}

function enqueue(jobs) {
  if (!jobs.length) return;
  announce(fill(S.starting, {count: jobs.length}));
  // Folders first made by the first file of each: files of one folder go one after another.
  jobs.sort((a, b) => a.path.split("/").length - b.path.split("/").length);
  for (const job of jobs) { row(job); queue.push(job); }
  pump();
}

function fromInput(input) {
  return [...input.files].map((file) => ({file, path: file.webkitRelativePath || file.name}));
}

async function walk(entry, prefix, out) {
  if (entry.isFile) {
    const file = await new Promise((resolve, reject) => entry.file(resolve, reject));
    out.push({file, path: prefix + file.name});
  } else if (entry.isDirectory) {
    const reader = entry.createReader();
    for (;;) {
      const batch = await new Promise((resolve, reject) => reader.readEntries(resolve, reject));
      if (!batch.length) break;
      for (const child of batch) await walk(child, `${prefix}${entry.name}/`, out);
    }
  }
}

async function fromDrop(transfer) {
  // Entries must be taken before the first await: the list is emptied after the event.
  const entries = [...(transfer.items || [])]
    .map((item) => (item.webkitGetAsEntry ? item.webkitGetAsEntry() : null)).filter(Boolean);
  if (!entries.length) return [...(transfer.files || [])].map((file) => ({file, path: file.name}));
  const out = [];
  for (const entry of entries) await walk(entry, "", out);
  return out;
}

if (data && data.can_upload && list) {
  const form = document.getElementById("drive-upload");
  for (const input of form.querySelectorAll("input[type=file]")) {
    input.addEventListener("change", () => { enqueue(fromInput(input)); input.value = ""; });
  }
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    for (const input of form.querySelectorAll("input[type=file]")) { enqueue(fromInput(input)); input.value = ""; }
  });
  const zone = document.getElementById("drive-list");
  zone.addEventListener("dragover", (event) => { event.preventDefault(); zone.classList.add("drive-dragging"); });
  zone.addEventListener("dragleave", (event) => { if (!zone.contains(event.relatedTarget)) zone.classList.remove("drive-dragging"); });
  zone.addEventListener("drop", async (event) => {
    event.preventDefault();
    zone.classList.remove("drive-dragging");
    enqueue(await fromDrop(event.dataTransfer));
  });
}
