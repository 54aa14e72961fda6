// The bell in the top bar: its unread count follows "notification.created" and
// "notification.read" events (sent to the person only). On the notification centre, a new
// notification is also added at the top of the list. Text is set with textContent only.
const bell = document.getElementById("notif-bell");
const count = document.getElementById("notif-count");

function setCount(n) {
  if (!bell || !count || typeof n !== "number") return;
  count.textContent = String(n);
  // The badge class sets a display that would override `hidden`: only a visible count has it.
  count.hidden = n <= 0;
  count.classList.toggle("badge", n > 0);
  const label = n > 0 ? bell.dataset.labelSome.replace("__N__", String(n)) : bell.dataset.labelNone;
  bell.setAttribute("aria-label", label);
  bell.title = label;
}

function prepend(payload) {
  const list = document.getElementById("notif-list");
  if (!list || document.getElementById(`notification-${payload.notification_id}`)) return;
  document.getElementById("notif-empty")?.remove();
  const item = document.createElement("li");
  item.className = "card card-accent";
  item.id = `notification-${payload.notification_id}`;
  const title = document.createElement("p");
  title.className = "card-title";
  const hidden = document.createElement("span");
  hidden.className = "visually-hidden";
  hidden.textContent = `${list.dataset.unreadLabel} `;
  const link = document.createElement("a");
  link.href = list.dataset.open.replace(/\/1\/$/, `/${Number(payload.notification_id)}/`);
  const strong = document.createElement("strong");
  strong.textContent = payload.title;
  link.append(strong);
  title.append(hidden, link);
  item.append(title);
  if (payload.excerpt) {
    const excerpt = document.createElement("p");
    excerpt.textContent = payload.excerpt;
    item.append(excerpt);
  }
  list.prepend(item);
}

document.addEventListener("atrium:event", (e) => {
  const {event, payload} = e.detail || {};
  if (!payload) return;
  if (event === "notification.created") {
    setCount(payload.unread);
    prepend(payload);
  } else if (event === "notification.read") {
    setCount(payload.unread);
  }
});
