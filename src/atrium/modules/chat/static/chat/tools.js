// Chat message tools: the reaction picker and reaction buttons, pins, the delete
// confirmation, and the clicks that open threads, panels and older history.
const NS = window.atriumChat;
const {data, t} = NS;
const side = document.getElementById("chat-side");
const EMOJI = data.emoji || [];
let picker = null;

async function react(li, emoji, on) {
  const result = await NS.send(`${data.base}m/${li.dataset.id}/react`, {emoji, on: on ? "1" : "0"});
  if (result.ok && result.json && result.json.reactions) {
    for (const item of NS.messagesWithId(li.dataset.id)) NS.renderReactions(item, result.json.reactions);
  }
}
function closePicker(focusBack = true) {
  if (!picker || picker.hidden) return;
  picker.hidden = true;
  const tools = picker.closest(".msg-tools");
  const trigger = tools && tools.querySelector("[data-act=react]");
  if (tools) tools.classList.remove("open");
  if (trigger) { trigger.setAttribute("aria-expanded", "false"); if (focusBack) trigger.focus(); }
}
function openPicker(li, trigger) {
  if (!picker) {
    picker = document.createElement("div");
    picker.className = "emoji-picker"; picker.setAttribute("role", "group");
    picker.setAttribute("aria-label", t("pick_reaction"));
    for (const emoji of EMOJI) {
      const button = document.createElement("button");
      button.type = "button"; button.dataset.pick = emoji; button.textContent = emoji;
      picker.append(button);
    }
    picker.addEventListener("keydown", (event) => { if (event.key === "Escape") { event.stopPropagation(); closePicker(); } });
  }
  const tools = trigger.closest(".msg-tools");
  const wasOpen = !picker.hidden && picker.parentElement === tools;
  closePicker(false);
  if (wasOpen) return;
  tools.append(picker); tools.classList.add("open");
  picker.hidden = false;
  trigger.setAttribute("aria-expanded", "true");
  picker.querySelector("button").focus();
}
function confirmDelete(li) {
  if (li.querySelector(".msg-confirm")) return;
  const box = document.createElement("div");
  box.className = "msg-confirm"; box.setAttribute("role", "group");
  const question = document.createElement("span");
  question.textContent = t("confirm_delete");
  const yes = document.createElement("button");
  yes.type = "button"; yes.className = "button button-danger"; yes.textContent = t("delete");
  const no = document.createElement("button");
  no.type = "button"; no.className = "button button-quiet"; no.textContent = t("cancel");
  box.setAttribute("aria-label", t("confirm_delete"));
  box.append(question, yes, no);
  li.querySelector(".msg-main").append(box);
  const done = () => { box.remove(); const tool = li.querySelector("[data-act=delete]"); if (tool && !tool.hidden) tool.focus(); };
  no.addEventListener("click", done);
  box.addEventListener("keydown", (event) => { if (event.key === "Escape") done(); });
  yes.addEventListener("click", async () => {
    const result = await NS.send(`${data.base}m/${li.dataset.id}/delete`, {});
    box.remove();
    if (result.ok && result.json && result.json.message) NS.changed({message: result.json.message});
  });
  no.focus();
}
document.addEventListener("click", (event) => {
  const target = event.target;
  if (!(target instanceof Element)) return;
  if (picker && !picker.hidden && !target.closest(".emoji-picker") && !target.closest("[data-act=react]")) closePicker(false);
  const opener = target.closest("[data-open-thread]");
  if (opener && opener.dataset.openThread && side) { event.preventDefault(); NS.openSide(NS.threadUrl(opener.dataset.openThread), opener); return; }
  const sideLink = target.closest("a[data-side]");
  if (sideLink && side) { event.preventDefault(); NS.openSide(sideLink.href, sideLink); return; }
  if (target.closest("[data-close-side]")) { event.preventDefault(); NS.closeSide(); return; }
  if (target.closest("[data-older]")) { event.preventDefault(); NS.loadOlder(); return; }
  const li = target.closest(".msg");
  if (!li) return;
  const pick = target.closest("[data-pick]");
  if (pick) {
    const mine = [...li.querySelectorAll(".reaction")].find((b) => b.dataset.emoji === pick.dataset.pick);
    closePicker();
    react(li, pick.dataset.pick, !(mine && mine.getAttribute("aria-pressed") === "true"));
    return;
  }
  const reaction = target.closest(".reaction");
  if (reaction) { react(li, reaction.dataset.emoji, reaction.getAttribute("aria-pressed") !== "true"); return; }
  const tool = target.closest(".msg-tools [data-act]");
  if (!tool) return;
  const act = tool.dataset.act;
  if (act === "react") openPicker(li, tool);
  else if (act === "edit") NS.startEdit(li, tool);
  else if (act === "delete") confirmDelete(li);
  else if (act === "pin") {
    const on = tool.getAttribute("aria-pressed") !== "true";
    NS.send(`${data.base}m/${li.dataset.id}/pin`, {pinned: on ? "1" : "0"}).then((result) => {
      if (result.ok) for (const item of NS.messagesWithId(li.dataset.id)) NS.setPinned(item, on);
    });
  }
});
document.addEventListener("keydown", (event) => {
  // Enter in a people search (htmx fills the results) must not submit the form around it.
  if (event.key === "Enter" && event.target.matches && event.target.matches("input[type=search][hx-get]")
      && event.target.form && event.target.form.method === "post") { event.preventDefault(); return; }
  if (event.key === "Escape" && side && !side.hidden && side.contains(document.activeElement)
      && !event.target.closest("textarea, .msg-confirm, .emoji-picker")) NS.closeSide();
});

