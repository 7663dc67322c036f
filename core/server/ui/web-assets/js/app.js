// The single-page shell: hash routes to views, and one poll loop that refreshes the
// current view every POLL_MS while the tab is visible (no reloads, no lost form input:
// views redraw only their data regions).
import { api } from "./api.js";
import { fill, h } from "./dom.js";
import { currentRoute } from "./router.js";
import { dashboardView } from "./views/dashboard.js";
import { runsView } from "./views/runs.js";
import { runView } from "./views/run.js";
import { deploymentsView } from "./views/deployments.js";
import { workPoolsView } from "./views/work_pools.js";
import { blocksView, variablesView, limitsView } from "./views/config.js";
import { automationsView } from "./views/automations.js";
import { eventsView } from "./views/events.js";
import { artifactKeyView, artifactsView } from "./views/artifacts.js";

const POLL_MS = 2000;

const ROUTES = [
  [/^\/$/, dashboardView, "dashboard"],
  [/^\/runs$/, runsView, "runs"],
  [/^\/runs\/([^/]+)$/, runView, "runs"],
  [/^\/deployments$/, deploymentsView, "deployments"],
  [/^\/work-pools$/, workPoolsView, "work-pools"],
  [/^\/blocks$/, blocksView, "blocks"],
  [/^\/variables$/, variablesView, "variables"],
  [/^\/concurrency$/, limitsView, "concurrency"],
  [/^\/automations$/, automationsView, "automations"],
  [/^\/events$/, eventsView, "events"],
  [/^\/artifacts$/, artifactsView, "artifacts"],
  [/^\/artifacts\/([^/]+)$/, artifactKeyView, "artifacts"],
];

let active = null;
let timer = null;

function status(text, isError = false) {
  const node = document.getElementById("live");
  node.textContent = text;
  node.classList.toggle("error", isError);
}

/** Redraw the current view. One redraw at a time: a request made meanwhile (a filter
 * changed during a poll) runs right after, so an older answer never lands last. */
async function refresh(entry) {
  if (entry.busy) {
    entry.again = true;
    return;
  }
  entry.busy = true;
  try {
    do {
      entry.again = false;
      await entry.view.refresh();
    } while (entry.again && active === entry);
    if (active === entry) {
      status("Live · updated " + new Date().toLocaleTimeString([], { hour12: false }));
      document.body.dataset.loaded = "true";
    }
  } catch (error) {
    if (active === entry) status("Cannot reach the server: " + error.message, true);
  } finally {
    entry.busy = false;
  }
}

function schedule() {
  clearTimeout(timer);
  timer = setTimeout(async () => {
    if (active && !document.hidden) await refresh(active);
    schedule();
  }, POLL_MS);
}

async function route() {
  const { path } = currentRoute();
  const root = document.getElementById("view");
  for (const [pattern, make, section] of ROUTES) {
    const match = path.match(pattern);
    if (!match) continue;
    for (const link of document.querySelectorAll("nav a")) {
      link.classList.toggle("active", link.dataset.section === section);
    }
    fill(root);
    document.body.dataset.loaded = "false";
    const view = make(root, { match: match.slice(1) });
    active = { view, busy: false, again: false };
    document.title = `${view.title} · headrace`;
    await refresh(active);
    schedule();
    return;
  }
  fill(root, h("section.empty", {}, h("h1", {}, "Not found"), h("p", {}, h("a", { href: "#/" }, "Back to the dashboard"))));
}

window.addEventListener("hashchange", route);
window.addEventListener("paramschange", () => active && refresh(active));
document.addEventListener("visibilitychange", () => {
  if (!document.hidden && active) refresh(active);
});
route();

// the log-out button only where there is a session to end
api.settings().then((settings) => {
  document.getElementById("logout").hidden = !settings.auth;
}).catch(() => {});
