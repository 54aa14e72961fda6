// Small behaviours of the shell. No inline script anywhere: CSP forbids it.
// htmx sends Django's CSRF token with every request it makes.
document.addEventListener("htmx:configRequest", (event) => {
  const token = document.querySelector("input[name=csrfmiddlewaretoken]");
  if (token) event.detail.headers["X-CSRFToken"] = token.value;
});
// Close the account menu with Escape and return focus to its button.
document.addEventListener("keydown", (event) => {
  if (event.key !== "Escape") return;
  const open = document.querySelector("details.usermenu[open]");
  if (open) { open.removeAttribute("open"); open.querySelector("summary").focus(); }
});
// Copy buttons (invitation links, new API tokens).
document.addEventListener("click", async (event) => {
  const button = event.target.closest("[data-copy]");
  if (!button) return;
  const source = document.getElementById(button.dataset.copy);
  if (!source) return;
  try { await navigator.clipboard.writeText(source.textContent.trim()); button.dataset.done = "1";
        button.textContent = button.dataset.copied || button.textContent; } catch (e) { source.focus(); }
});
