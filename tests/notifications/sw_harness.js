// Runs Atrium's service worker (the file served at /sw.js) in Node with a fake `self`,
// fires one event described on standard input, and prints what the worker did as JSON.
// Used by tests/notifications/test_push_sw.py.
"use strict";
const fs = require("fs");
const vm = require("vm");

const scenario = JSON.parse(fs.readFileSync(0, "utf8"));
const origin = "https://atrium.example.org";
const done = {shown: [], opened: [], focused: [], navigated: [], fetched: []};
const listeners = {};

function windowClient(url, {controlled = true} = {}) {
  const client = {
    url,
    focus: async () => { done.focused.push(url); return client; },
  };
  if (controlled) {
    client.navigate = async (target) => { done.navigated.push([url, target]); return client; };
  }
  return client;
}

const self = {
  location: new URL(origin + "/sw.js"),
  addEventListener: (type, listener) => { listeners[type] = listener; },
  skipWaiting: () => {},
  registration: {
    showNotification: async (title, options) => { done.shown.push({title, options}); },
    pushManager: {subscribe: async () => ({toJSON: () => scenario.fresh})},
  },
  clients: {
    claim: async () => {},
    matchAll: async () => (scenario.windows || []).map((w) => windowClient(w.url, w)),
    openWindow: async (url) => { done.opened.push(url); return null; },
  },
};
const source = fs.readFileSync(scenario.source, "utf8")
  .replace("/*ATRIUM_CONFIG*/{}", JSON.stringify({icon: "/static/i.png", badge: "/static/b.png"}));
const fetch = async (url, init) => { done.fetched.push({url, init}); return {ok: true}; };
vm.runInNewContext(source, {self, URL, console, fetch});

const waits = [];
const event = {waitUntil: (promise) => waits.push(promise)};
if (scenario.type === "push") {
  event.data = scenario.raw === undefined || scenario.raw === null ? null : {
    json: () => JSON.parse(scenario.raw),
  };
} else if (scenario.type === "notificationclick") {
  event.notification = {data: scenario.data, close: () => {}};
} else if (scenario.type === "pushsubscriptionchange") {
  event.oldSubscription = scenario.old && {toJSON: () => scenario.old, options: {}};
  event.newSubscription = null;
}
listeners[scenario.type](event);
Promise.all(waits).then(() => process.stdout.write(JSON.stringify(done)));
