// One flow run: summary, failure traceback, parameters, task-run timeline, subflows,
// artifacts, state history and logs with a level filter. Redraws while the run is unfinished.
import { api, ApiError } from "../api.js";
import { fill, h } from "../dom.js";
import { timeline } from "../charts.js";
import { FINAL_STATE_TYPES, LOG_LEVELS, clock, duration, json, levelName, stateBadge, titleCase, when } from "../format.js";
import { FLOW_RUN_HEADERS, errorNote, flowRunRow, table } from "./common.js";
import { artifactCard } from "./artifacts.js";

// what one poll reads at most; the API pages through the rest
const TASK_LIMIT = 5000;
const LOG_LIMIT = 5000;

/** The traceback of a failed run: its error log that carries one, else the state message. */
export function failureText(run, logs) {
  const withTraceback = [...logs].reverse().find((log) => log.level >= 40 && log.message.includes("Traceback (most recent call last)"));
  if (withTraceback) return withTraceback.message;
  const error = [...logs].reverse().find((log) => log.level >= 40);
  return error ? error.message : run.state_message || "";
}

function definition(label, value) {
  return h("div", {}, h("dt", {}, label), h("dd", {}, value ?? "—"));
}

export function runView(root, { match }) {
  const runId = decodeURIComponent(match[0]);
  const header = h("header.page-header");
  const summary = h("dl.summary#summary");
  const failure = h("section.panel.failure#failure", { hidden: true });
  const parameters = h("div#parameters");
  const taskTimeline = h("div#task-timeline");
  const taskSummary = h("span.muted.small#task-summary");
  const subflows = h("div#subflows");
  const artifacts = h("div#run-artifacts");
  const states = h("ol.state-history#state-history");
  const level = h("select#log-level", { "aria-label": "Log level" },
    LOG_LEVELS.map(([value, name]) => h("option", { value, selected: value === 20 }, `${name} and above`)));
  const logTask = h("span.log-scope");
  const logs = h("div.logs#logs", { role: "log" });
  let selectedTask = null;
  let taskNames = {};
  let settled = false;
  let deploymentName = null;
  let finishedBefore = false;
  let lastLogs = [];
  let lastLevel = null;

  level.addEventListener("change", () => drawLogs());

  root.append(
    h("p.crumbs", {}, h("a", { href: "#/runs" }, "Flow runs"), " / ", h("span.mono", {}, runId.slice(0, 8))),
    header,
    h("section.panel", {}, summary),
    failure,
    h("div.columns", {},
      h("section.panel", {}, h("h2", {}, "Parameters"), parameters),
      h("section.panel", {}, h("h2", {}, "State history"), states)),
    h("section.panel", {}, h("div.panel-title", {}, h("h2", {}, "Task runs and subflows"), taskSummary), taskTimeline),
    h("section.panel", {}, h("h2", {}, "Subflow runs"), subflows),
    h("section.panel", {}, h("h2", {}, "Artifacts"), artifacts),
    h("section.panel", {}, h("div.panel-title", {}, h("h2", {}, "Logs"), logTask, level), logs),
  );

  async function drawLogs() {
    const levelMin = Number(level.value);
    if (levelMin !== lastLevel || !settled) {
      lastLogs = await api.logs({ flow_run_ids: [runId], level_min: levelMin, limit: LOG_LIMIT });
      lastLevel = levelMin;
    }
    const shown = selectedTask ? lastLogs.filter((log) => log.task_run_id === selectedTask.id) : lastLogs;
    fill(logTask, selectedTask
      ? h("span", {}, "Task ", h("strong", {}, selectedTask.name), " ", h("button.link", { type: "button", onclick: () => { selectedTask = null; drawLogs(); } }, "show all"))
      : null);
    const cut = lastLogs.length === LOG_LIMIT ? h("p.muted.small", {}, `The first ${LOG_LIMIT} lines; the API pages through all of them.`) : null;
    fill(logs, cut, shown.length
      ? shown.map((log) => h("div.log-line", { class: "level-" + levelName(log.level).toLowerCase(), dataset: { level: log.level } },
          h("span.log-time", { title: when(log.timestamp) }, clock(log.timestamp)),
          h("span.log-level", {}, levelName(log.level)),
          h("span.log-source", {}, log.task_run_id ? taskNames[log.task_run_id] || "task" : log.logger),
          h("span.log-message", {}, log.message)))
      : h("p.empty-note", {}, "No logs at this level."));
  }

  async function cancel(event) {
    event.currentTarget.disabled = true;
    await api.setFlowRunState(runId, { type: "CANCELLED", name: "Cancelled", message: "Cancelled from the UI before it started" });
    await refresh();
  }

  async function refresh() {
    if (settled) return; // a finished run no longer changes: stop polling it
    let run;
    try {
      run = await api.flowRun(runId);
    } catch (error) {
      if (error instanceof ApiError && error.status === 404) {
        fill(header, h("h1", {}, "Flow run not found"));
        fill(summary, errorNote(error));
        return;
      }
      throw error;
    }
    const final = FINAL_STATE_TYPES.includes(run.state_type);
    const [tasks, children, history, errorLogs, published] = await Promise.all([
      api.taskRuns({ flow_run_ids: [runId], limit: TASK_LIMIT }),
      api.flowRuns({ parent_flow_run_ids: [runId], limit: 200, sort: "created_asc" }),
      api.flowRunStates(runId),
      run.state_type === "FAILED" || run.state_type === "CRASHED"
        ? api.logs({ flow_run_ids: [runId], level_min: 40, limit: 200 })
        : Promise.resolve([]),
      api.artifacts({ flow_run_ids: [runId], sort: "created_asc", limit: 200 }),
    ]);
    taskNames = Object.fromEntries(tasks.map((task) => [task.id, task.name]));
    if (run.deployment_id && deploymentName === null) {
      const deployment = await api.deployment(run.deployment_id).catch(() => null);
      deploymentName = deployment ? `${deployment.flow_name}/${deployment.name}` : "";
    }
    fill(header,
      h("h1", {}, h("span.flow-name", {}, run.flow_name), h("span.sep", {}, " › "), run.name),
      h("div.page-actions", {},
        // only a run nobody has picked up yet can be called off for sure
        run.state_type === "SCHEDULED" ? h("button.secondary#cancel-run", { type: "button", onclick: cancel }, "Cancel run") : null,
        stateBadge(run.state_type, run.state_name)));
    fill(summary,
      definition("Flow run id", h("span.mono", {}, run.id)),
      definition("State", [stateBadge(run.state_type, run.state_name), run.state_message ? h("span.state-message", {}, " " + run.state_message) : null]),
      definition("Started", when(run.start_time)),
      definition("Ended", when(run.end_time)),
      definition("Duration", duration(run.start_time, run.end_time)),
      definition("Run count", run.run_count),
      definition("Tags", (run.tags || []).length ? run.tags.map((tag) => h("span.tag", {}, tag)) : "—"),
      run.deployment_id ? definition("Deployment", h("a#deployment-link", { href: `#/runs?deployment=${run.deployment_id}` }, deploymentName || run.deployment_id.slice(0, 8))) : null,
      run.parent_flow_run_id ? definition("Parent flow run", h("a", { href: `#/runs/${run.parent_flow_run_id}` }, run.parent_flow_run_id.slice(0, 8))) : null);
    const failed = run.state_type === "FAILED" || run.state_type === "CRASHED";
    failure.hidden = !failed;
    if (failed) {
      fill(failure, h("h2", {}, run.state_type === "CRASHED" ? "Crash" : "Failure"),
        run.state_message ? h("p.failure-message", {}, run.state_message) : null,
        h("pre.traceback#traceback", {}, failureText(run, errorLogs)));
    }
    const params = run.parameters || {};
    fill(parameters, Object.keys(params).length
      ? h("table.kv", {}, h("tbody", {}, Object.entries(params).map(([key, value]) =>
          h("tr", {}, h("th", {}, key), h("td", {}, h("code", {}, json(value)))))))
      : h("p.empty-note", {}, "No parameters."));
    fill(states, history.map((state) => h("li", {},
      stateBadge(state.type, state.name), h("span.muted", {}, " ", clock(state.timestamp)),
      state.message ? h("div.state-message", {}, state.message) : null)));
    const byState = {};
    for (const task of tasks) byState[task.state_type] = (byState[task.state_type] || 0) + 1;
    fill(taskSummary, tasks.length === TASK_LIMIT ? `first ${TASK_LIMIT}: ` : "",
      Object.entries(byState).map(([type, n]) => `${n} ${titleCase(type).toLowerCase()}`).join(" · "));
    const rows = [...tasks, ...children.map((child) => ({ ...child, subflow: true }))];
    fill(taskTimeline, rows.length
      ? timeline(run, rows, (row) => {
          if (row.subflow) { location.hash = `#/runs/${row.id}`; return; }
          selectedTask = row;
          drawLogs();
        })
      : h("p.empty-note", {}, "No task runs."));
    fill(subflows, table(FLOW_RUN_HEADERS, children.map(flowRunRow), "No subflow runs."));
    fill(artifacts, published.length
      ? published.map((artifact) => artifactCard(artifact, { showRun: false, taskName: taskNames[artifact.task_run_id] }))
      : h("p.empty-note", {}, "No artifacts."));
    await drawLogs();
    // one more round after the run ends picks up records written as it finished
    const done = final && children.every((child) => FINAL_STATE_TYPES.includes(child.state_type));
    settled = done && finishedBefore;
    finishedBefore = done;
  }

  return { title: "Flow run", refresh };
}
