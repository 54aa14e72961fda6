// A small tus 1.0.0 client for the drive's large uploads: create (POST), send the bytes in
// chunks (PATCH at the offset the server confirmed), and after a failure ask where the
// server is (HEAD) and go on from there. Session cookie + X-CSRFToken, like the site's
// other scripts. Where an upload started is kept in localStorage, so a reload resumes it.
const TUS = {"Tus-Resumable": "1.0.0"};
const RETRIES = [1000, 3000, 5000, 10000, 20000];

function b64(text) {
  let binary = "";
  for (const byte of new TextEncoder().encode(text)) binary += String.fromCharCode(byte);
  return btoa(binary);
}

function sleep(ms) { return new Promise((resolve) => setTimeout(resolve, ms)); }

function patch(url, blob, offset, csrf, onProgress) {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open("PATCH", url);
    xhr.setRequestHeader("Tus-Resumable", "1.0.0");
    xhr.setRequestHeader("Upload-Offset", String(offset));
    xhr.setRequestHeader("Content-Type", "application/offset+octet-stream");
    xhr.setRequestHeader("X-CSRFToken", csrf);
    xhr.upload.addEventListener("progress", (event) => onProgress(offset + event.loaded));
    xhr.addEventListener("load", () => {
      if (xhr.status === 204) resolve(Number(xhr.getResponseHeader("Upload-Offset")));
      else reject(Object.assign(new Error(errorText(xhr.responseText)), {status: xhr.status}));
    });
    xhr.addEventListener("error", () => reject(Object.assign(new Error("network"), {status: 0})));
    xhr.send(blob);
  });
}

function errorText(body) {
  try { return JSON.parse(body).error.message; } catch { return ""; }
}

async function offsetOf(url, csrf) {
  const response = await fetch(url, {method: "HEAD", headers: {...TUS, "X-CSRFToken": csrf},
                                     credentials: "same-origin", cache: "no-store"});
  if (!response.ok) return null;
  return Number(response.headers.get("Upload-Offset"));
}

async function create(endpoint, file, csrf) {
  const response = await fetch(endpoint, {
    method: "POST", credentials: "same-origin",
    headers: {...TUS, "X-CSRFToken": csrf, "Upload-Length": String(file.size),
              "Upload-Metadata": `filename ${b64(file.name)}`},
  });
  if (response.status !== 201) {
    let message = "";
    try { message = (await response.json()).error.message; } catch { /* no body */ }
    throw Object.assign(new Error(message || `HTTP ${response.status}`), {status: response.status});
  }
  return new URL(response.headers.get("Location"), location.href).pathname;
}

// Upload `file`; returns the upload id to claim. `onProgress(bytesSent)`, `onRetry()`.
export async function tusUpload(file, {endpoint, chunk, csrf, key, onProgress, onRetry}) {
  const saved = key ? localStorage.getItem(key) : null;
  let url = null, offset = 0;
  if (saved) {
    const found = await offsetOf(saved, csrf).catch(() => null);
    if (found !== null) { url = saved; offset = found; }
  }
  if (!url) {
    url = await create(endpoint, file, csrf);
    if (key) localStorage.setItem(key, url);
  }
  let failures = 0;
  while (offset < file.size) {
    try {
      offset = await patch(url, file.slice(offset, offset + chunk), offset, csrf, onProgress);
      failures = 0;
    } catch (error) {
      // Refusals (too large, quota, gone) are final; network cuts and 409s resume.
      if (error.status && error.status !== 409 && error.status < 500) throw error;
      if (failures >= RETRIES.length) throw error;
      if (onRetry) onRetry();
      await sleep(RETRIES[failures++]);
      const found = await offsetOf(url, csrf).catch(() => null);
      if (found !== null) offset = found;
    }
  }
  onProgress(file.size);
  if (key) localStorage.removeItem(key);
  return url.replace(/\/$/, "").split("/").pop();
}
