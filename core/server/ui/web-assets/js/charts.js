// Two small charts drawn by hand: runs by state over time (stacked SVG bars) and the
// task-run timeline of one flow run (Gantt-like bars).
import { h, svg } from "./dom.js";
import { clock, duration, stateClass, titleCase } from "./format.js";

// bottom to top: the healthy bulk first, failures on top where the eye lands
const STACK = ["COMPLETED", "RUNNING", "PENDING", "SCHEDULED", "PAUSED", "CANCELLING", "CANCELLED", "CRASHED", "FAILED"];

function hhmm(seconds) {
  const d = new Date(seconds * 1000);
  return `${String(d.getHours()).padStart(2, "0")}:${String(d.getMinutes()).padStart(2, "0")}`;
}

/** Stacked bars, one per time bucket: [{start, end, counts: {STATE_TYPE: n}}]. */
export function historyChart(buckets) {
  const width = 960, height = 200, left = 36, bottom = 22, top = 8;
  const plotWidth = width - left - 8, plotHeight = height - bottom - top;
  const totals = buckets.map((b) => Object.values(b.counts || {}).reduce((a, n) => a + n, 0));
  const max = Math.max(1, ...totals);
  const step = plotWidth / Math.max(1, buckets.length);
  const barWidth = Math.max(1, step * 0.72);
  const root = svg("svg", {
    viewBox: `0 0 ${width} ${height}`, class: "chart", role: "img",
    "aria-label": "Flow runs by state over time",
  });
  for (const fraction of [0, 0.5, 1]) {
    const y = top + plotHeight * (1 - fraction);
    root.append(
      svg("line", { x1: left, x2: width - 8, y1: y, y2: y, class: "gridline" }),
      svg("text", { x: left - 6, y: y + 4, class: "axis", "text-anchor": "end" }, Math.round(max * fraction)),
    );
  }
  buckets.forEach((bucket, i) => {
    const x = left + i * step + (step - barWidth) / 2;
    let y = top + plotHeight;
    const group = svg("g", { class: "bar" });
    const parts = [];
    for (const type of STACK) {
      const n = (bucket.counts || {})[type] || 0;
      if (!n) continue;
      const barHeight = (n / max) * plotHeight;
      y -= barHeight;
      group.append(svg("rect", { x, y, width: barWidth, height: Math.max(barHeight, 1), class: "fill " + stateClass(type) }));
      parts.push(`${titleCase(type)}: ${n}`);
    }
    group.append(svg("title", {}, `${hhmm(bucket.start)}–${hhmm(bucket.end)}\n${parts.join("\n") || "no runs"}`));
    root.append(group);
    const every = Math.ceil(buckets.length / 6);
    if (i % every === 0) {
      root.append(svg("text", { x: x + barWidth / 2, y: height - 6, class: "axis", "text-anchor": "middle" }, hhmm(bucket.start)));
    }
  });
  return root;
}

/** A legend of the state colours that appear in the chart. */
export function stateLegend(buckets) {
  const seen = new Set();
  for (const bucket of buckets) for (const [type, n] of Object.entries(bucket.counts || {})) if (n) seen.add(type);
  return h("div.legend", {}, STACK.filter((t) => seen.has(t)).reverse().map((type) =>
    h("span.legend-item", {}, h("span.swatch", { class: stateClass(type) }), titleCase(type))));
}

const MAX_ROWS = 400;

/** One row per task run (and subflow run, marked `subflow`), bars placed on the flow
 * run's time axis. */
export function timeline(flowRun, taskRuns, onSelect) {
  const now = Date.now() / 1000;
  const started = taskRuns.filter((t) => t.start_time != null);
  const begin = Math.min(flowRun.start_time ?? now, ...started.map((t) => t.start_time));
  const finish = Math.max(flowRun.end_time ?? now, ...started.map((t) => t.end_time ?? now));
  const span = Math.max(finish - begin, 0.001);
  const rows = [...taskRuns].sort((a, b) => (a.start_time ?? Infinity) - (b.start_time ?? Infinity));
  const shown = rows.slice(0, MAX_ROWS);
  const container = h("div.timeline", { role: "list" },
    h("div.timeline-axis", {},
      h("span", {}, clock(begin)), h("span", {}, `${duration(begin, finish)} total`), h("span", {}, clock(finish))),
  );
  for (const task of shown) {
    const start = task.start_time ?? null;
    const end = task.end_time ?? (start != null ? now : null);
    const left = start == null ? 0 : ((start - begin) / span) * 100;
    const width = start == null ? 0 : Math.max(((end - start) / span) * 100, 0.4);
    const tip = `${task.name} · ${task.state_name || titleCase(task.state_type)} · ${duration(start, task.end_time)}`;
    const data = task.subflow ? { flowRunId: task.id } : { taskRunId: task.id };
    container.append(h("div.timeline-row", { role: "listitem", title: tip, dataset: data, class: task.subflow ? "subflow" : "", onclick: onSelect && (() => onSelect(task)) },
      h("span.timeline-label", {}, task.subflow ? `↳ ${task.flow_name}` : task.name),
      h("span.timeline-track", {},
        start == null
          ? h("span.timeline-waiting", {}, task.state_name || "not started")
          : h("span.timeline-bar", { class: stateClass(task.state_type), style: { left: `${left}%`, width: `${width}%` } })),
      h("span.timeline-duration", {}, duration(start, task.end_time))));
  }
  if (rows.length > shown.length) container.append(h("p.muted", {}, `${rows.length - shown.length} more task runs not drawn`));
  return container;
}
