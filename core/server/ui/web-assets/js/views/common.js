// Pieces several views share: page headers, tables, run rows, empty states.
import { h } from "../dom.js";
import { ago, duration, shortId, stateBadge, until, when } from "../format.js";

export function pageHeader(title, ...extra) {
  return h("header.page-header", {}, h("h1", {}, title), h("div.page-actions", {}, ...extra));
}

export function table(headers, rows, empty = "Nothing here yet.") {
  if (!rows.length) return h("p.empty-note", {}, empty);
  return h("table.grid", {},
    h("thead", {}, h("tr", {}, headers.map((label) => h("th", {}, label)))),
    h("tbody", {}, rows));
}

export function runLink(run) {
  return h("a.run-link", { href: `#/runs/${run.id}` }, run.name);
}

/** When it started; for a run still waiting, when it is due. */
function startedCell(run) {
  if (run.start_time == null && run.scheduled_time != null) {
    return h("td", { title: when(run.scheduled_time) }, run.state_type === "SCHEDULED" ? until(run.scheduled_time) : when(run.scheduled_time));
  }
  return h("td", { title: when(run.start_time ?? run.created) }, ago(run.start_time ?? run.created));
}

/** A flow-runs table row: state, flow/run name, tags, start, duration. */
export function flowRunRow(run) {
  return h("tr", { dataset: { runId: run.id, state: run.state_type || "" } },
    h("td", {}, stateBadge(run.state_type, run.state_name)),
    h("td", {}, h("span.flow-name", {}, run.flow_name), h("span.sep", {}, " › "), runLink(run)),
    h("td.tags", {}, (run.tags || []).map((tag) => h("span.tag", {}, tag))),
    startedCell(run),
    h("td.num", {}, duration(run.start_time, run.end_time)),
    h("td.mono.muted", {}, shortId(run.id)));
}

export const FLOW_RUN_HEADERS = ["State", "Flow › run", "Tags", "Started", "Duration", "Id"];

export function errorNote(error) {
  return h("p.error-note", { role: "alert" }, error.message || String(error));
}
