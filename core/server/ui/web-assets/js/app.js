// The single-page shell: hash routes to views, and one poll loop that refreshes the
// current view every POLL_MS while the tab is visible (no reloads, no lost form input:
// views redraw only their data regions).
import { fill, h } from "./dom.js";
import { currentRoute } from "./router.js";
import { dashboardView } from "./views/dashboard.js";
import { runsView } from "./views/runs.js";
import { runView } from "./views/run.js";
import { deploymentsView } from "./views/deployments.js";
import { workPoolsView } from "./views/work_pools.js";
import { blocksView, variablesView, limitsView } from "./views/config.js";

export const POLL_MS = 2000;

const ROUTES = [
  [/^\/$/, dashboardView, "dashboard"],
  [/^\/runs$/, runsView, "runs"],
  [/^\/runs\/([^/]+)$/, runView, "runs"],
  [/^\/deployments$/, deploymentsView, "deployments"],
  [/^\/work-pools$/, workPoolsView, "work-pools"],
  [/^\/blocks$/, blocksView, "blocks"],
  [/^\/variables$/, variablesView, "variables"],
  [/^\/concurrency$/, limitsView, "concurrency"],
];

let active = null;
let timer = null;

function status(text, isError = false) {
  const node = document.getElementById("live");
  node.textContent = text;
  node.classList.toggle("error", isError);
}

async function refresh(view, generation) {
  try {
    await view.refresh();
    if (active && active.generation === generation) {
      status("Live · updated " + new Date().toLocaleTimeString([], { hour12: false }));
      document.body.dataset.loaded = "true";
    }
  } catch (error) {
    if (active && active.generation === generation) status("Cannot reach the server: " + error.message, true);
  }
}

function schedule() {
  clearTimeout(timer);
  timer = setTimeout(async () => {
    if (active && !document.hidden) await refresh(active.view, active.generation);
    schedule();
  }, POLL_MS);
}

let generations = 0;

async function route() {
  const { path, params } = currentRoute();
  const root = document.getElementById("view");
  for (const [pattern, make, section] of ROUTES) {
    const match = path.match(pattern);
    if (!match) continue;
    for (const link of document.querySelectorAll("nav a")) {
      link.classList.toggle("active", link.dataset.section === section);
    }
    fill(root);
    document.body.dataset.loaded = "false";
    const view = make(root, { params, match: match.slice(1) });
    active = { view, generation: ++generations };
    document.title = `${view.title} · headrace`;
    await refresh(view, active.generation);
    schedule();
    return;
  }
  fill(root, h("section.empty", {}, h("h1", {}, "Not found"), h("p", {}, h("a", { href: "#/" }, "Back to the dashboard"))));
}

window.addEventListener("hashchange", route);
window.addEventListener("paramschange", () => active && refresh(active.view, active.generation));
document.addEventListener("visibilitychange", () => {
  if (!document.hidden && active) refresh(active.view, active.generation);
});
route();

// the log-out button only where there is a session to end
import("./api.js").then(({ api }) => api.settings()).then((settings) => {
  document.getElementById("logout").hidden = !settings.auth;
}).catch(() => {});
