// The dashboard: runs by state over a time window, what is running, recent failures.
import { api } from "../api.js";
import { fill, h } from "../dom.js";
import { historyChart, stateLegend } from "../charts.js";
import { ago, stateClass, titleCase } from "../format.js";
import { currentRoute, setParams } from "../router.js";
import { FLOW_RUN_HEADERS, flowRunRow, pageHeader, table } from "./common.js";

export const WINDOWS = {
  "1h": { seconds: 3600, buckets: 30, label: "Last hour" },
  "24h": { seconds: 86400, buckets: 48, label: "Last 24 hours" },
  "7d": { seconds: 7 * 86400, buckets: 56, label: "Last 7 days" },
};

const CARDS = ["COMPLETED", "RUNNING", "FAILED", "CRASHED"];

export function dashboardView(root) {
  const windowSelect = h("select#dashboard-window", { "aria-label": "Time window", onchange: () => {
    const params = currentRoute().params;
    params.set("window", windowSelect.value);
    setParams(params);
  } }, Object.entries(WINDOWS).map(([key, w]) => h("option", { value: key }, w.label)));
  const cards = h("div.cards");
  const chart = h("div.chart-box");
  const running = h("div#running-runs");
  const failures = h("div#recent-failures");
  root.append(
    pageHeader("Dashboard", windowSelect),
    cards,
    h("section.panel", {}, h("h2", {}, "Flow runs by state"), chart),
    h("div.columns", {},
      h("section.panel", {}, h("h2", {}, "Running now"), running),
      h("section.panel", {}, h("h2", {}, "Recent failures"), failures)),
  );

  async function refresh() {
    const key = currentRoute().params.get("window") || "1h";
    const win = WINDOWS[key] || WINDOWS["1h"];
    const windowKey = WINDOWS[key] ? key : "1h";
    windowSelect.value = windowKey;
    // buckets on multiples of their width: each poll asks for the same buckets, whose
    // settled counts the server reuses
    const width = win.seconds / win.buckets;
    const end = Math.ceil(Date.now() / 1000 / width) * width;
    const start = end - win.seconds;
    const activeQuery = { state_types: ["RUNNING", "PENDING", "CANCELLING"], limit: 10 };
    const [history, activeCount, failed] = await Promise.all([
      api.flowRunHistory({ start, end, buckets: win.buckets }),
      // a count by state is cheap on any store size; listing nothing running is not
      api.countFlowRuns(activeQuery),
      api.flowRuns({ state_types: ["FAILED", "CRASHED"], limit: 10, created_after: start }),
    ]);
    const active = activeCount ? await api.flowRuns(activeQuery) : [];
    const totals = {};
    for (const bucket of history) for (const [type, n] of Object.entries(bucket.counts)) totals[type] = (totals[type] || 0) + n;
    const all = Object.values(totals).reduce((a, n) => a + n, 0);
    fill(cards,
      h("a.card", { href: `#/runs?window=${windowKey}&subflows=1` }, h("span.card-value", {}, all), h("span.card-label", {}, "Flow runs")),
      CARDS.map((type) => h("a.card", { href: `#/runs?state=${type}&window=${windowKey}&subflows=1`, class: stateClass(type), dataset: { state: type } },
        h("span.card-value", {}, totals[type] || 0), h("span.card-label", {}, titleCase(type)))));
    fill(chart, historyChart(history), stateLegend(history));
    fill(running, table(FLOW_RUN_HEADERS, active.map(flowRunRow), "No flow run is running."));
    fill(failures, failed.length
      ? h("ul.failures", {}, failed.map((run) => h("li", { dataset: { runId: run.id } },
          h("a", { href: `#/runs/${run.id}` }, h("span.badge", { class: stateClass(run.state_type) }, run.state_name),
            " ", h("strong", {}, run.flow_name), " › ", run.name),
          h("span.muted", {}, " · ", ago(run.end_time ?? run.created)),
          run.state_message ? h("div.failure-message", {}, run.state_message) : null)))
      : h("p.empty-note", {}, "No failures in this window."));
  }

  return { title: "Dashboard", refresh };
}
