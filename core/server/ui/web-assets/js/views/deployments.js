// Deployments: schedules, pause/resume, and "Run now" with parameters.
import { api } from "../api.js";
import { fill, h } from "../dom.js";
import { ago, json, stateBadge, until, when } from "../format.js";
import { errorNote, pageHeader, table } from "./common.js";

function everyText(seconds) {
  for (const [unit, size] of [["day", 86400], ["hour", 3600], ["minute", 60]]) {
    if (seconds >= size && seconds % size === 0) {
      const n = seconds / size;
      return `every ${n === 1 ? "" : n + " "}${unit}${n === 1 ? "" : "s"}`;
    }
  }
  return `every ${seconds} seconds`;
}

/** A schedule's JSON form (headrace.schedules) in words. */
export function scheduleText(schedule) {
  const zone = schedule.timezone && schedule.timezone !== "UTC" ? ` (${schedule.timezone})` : "";
  let text = schedule.type === "interval" ? everyText(schedule.interval)
    : schedule.type === "cron" ? `cron ${schedule.cron}`
    : schedule.type === "rrule" ? schedule.rrule : JSON.stringify(schedule);
  if (schedule.active === false) text += " (inactive)";
  return text + zone;
}

/** The parameters a run-now form starts with: the deployment's defaults, then known names. */
function parameterFields(deployment) {
  const names = new Set([...(deployment.parameter_names || []), ...Object.keys(deployment.parameters || {})]);
  return [...names].map((name) => ({ name, value: deployment.parameters?.[name] }));
}

function runForm(deployment, close) {
  const fields = parameterFields(deployment);
  const inputs = fields.map((field) => h("input", {
    name: field.name, "aria-label": field.name, class: "mono",
    value: field.value === undefined ? "" : json(field.value),
    placeholder: field.value === undefined ? "the flow's default" : "",
  }));
  const extra = deployment.parameter_names ? null : h("textarea.mono", { name: "__extra__", rows: 3, placeholder: '{"other": "parameters as JSON"}' });
  const message = h("div.form-message");
  const submit = h("button.primary", { type: "submit" }, "Run");

  async function onsubmit(event) {
    event.preventDefault();
    const parameters = {};
    try {
      inputs.forEach((input, i) => {
        const text = input.value.trim();
        if (text === "") return; // left out: the flow's default applies
        try { parameters[fields[i].name] = JSON.parse(text); }
        catch { throw new Error(`${fields[i].name}: ${text} is not JSON (text goes in "quotes")`); }
      });
      if (extra && extra.value.trim()) Object.assign(parameters, JSON.parse(extra.value));
    } catch (error) {
      fill(message, errorNote(new Error("Parameters are JSON values. " + error.message)));
      return;
    }
    submit.disabled = true;
    try {
      const run = await api.runDeployment(deployment.id, { parameters });
      close();
      location.hash = `#/runs/${run.id}`;
    } catch (error) {
      fill(message, errorNote(error));
      submit.disabled = false;
    }
  }

  return h("form.run-form", { onsubmit, dataset: { deployment: deployment.full_name } },
    h("h3", {}, "Run ", deployment.full_name),
    h("p.muted.small", {}, 'Values are JSON: "text", 3, true, [1, 2]. Empty fields take the flow\'s default.'),
    fields.length ? h("div.form-grid", {}, fields.map((field, i) => [h("label", {}, field.name), inputs[i]])) : h("p.muted", {}, "This flow takes no parameters."),
    extra ? [h("label", {}, "Other parameters"), extra] : null,
    message,
    h("div.form-actions", {}, submit, h("button.secondary", { type: "button", onclick: close }, "Cancel")));
}

export function deploymentsView(root) {
  const list = h("div#deployments");
  const dialog = h("dialog.modal#run-dialog");
  root.append(pageHeader("Deployments"), list, dialog);

  function openRun(deployment) {
    const close = () => dialog.close();
    fill(dialog, runForm(deployment, close));
    dialog.showModal();
  }

  async function toggle(deployment, button) {
    button.disabled = true;
    try {
      if (deployment.paused) await api.resumeDeployment(deployment.id);
      else await api.pauseDeployment(deployment.id);
      await refresh();
    } finally {
      button.disabled = false;
    }
  }

  async function refresh() {
    const deployments = (await api.deployments()).map((d) => ({ ...d, full_name: `${d.flow_name}/${d.name}` }));
    // the last run that started (scheduled runs waiting for their time are not "last")
    const [lastRuns, nextRuns] = await Promise.all([
      Promise.all(deployments.map((d) =>
        api.flowRuns({ deployment_ids: [d.id], start_time_after: 0, sort: "start_time_desc", limit: 1 }))),
      Promise.all(deployments.map((d) =>
        api.flowRuns({ deployment_ids: [d.id], state_types: ["SCHEDULED"], sort: "created_asc", limit: 20 }))),
    ]);
    fill(list, table(["Deployment", "Work pool", "Schedule", "Next run", "Status", "Last run", "Tags", ""],
      deployments.map((deployment, i) => {
        const last = lastRuns[i][0];
        const times = nextRuns[i].map((run) => run.scheduled_time).filter((t) => t != null);
        const next = times.length ? Math.min(...times) : null;
        return h("tr", { dataset: { deployment: deployment.full_name, paused: String(deployment.paused) } },
          h("td", {}, h("strong", {}, deployment.flow_name), " / ", deployment.name,
            deployment.description ? h("div.muted.small", {}, deployment.description) : null),
          h("td", {}, deployment.work_pool_name || h("span.muted", {}, "served")),
          h("td", {}, (deployment.schedules || []).length ? deployment.schedules.map((s) => h("div", {}, scheduleText(s))) : h("span.muted", {}, "none")),
          h("td", { title: next ? when(next) : "" }, next ? until(next) : h("span.muted", {}, "—")),
          h("td", {}, deployment.paused ? h("span.badge.state-paused", {}, "Paused") : h("span.badge.state-ready", {}, "Ready")),
          h("td", {}, last
            ? [h("a", { href: `#/runs/${last.id}` }, stateBadge(last.state_type, last.state_name), " ", h("span.muted", {}, ago(last.start_time ?? last.created))),
               " · ", h("a.small", { href: `#/runs?deployment=${deployment.id}` }, "all runs")]
            : h("span.muted", {}, "never")),
          h("td.tags", {}, (deployment.tags || []).map((tag) => h("span.tag", {}, tag))),
          h("td.actions", {},
            h("button.primary.run-now", { type: "button", onclick: () => openRun(deployment) }, "Run now"),
            h("button.secondary.pause-toggle", { type: "button", onclick: (event) => toggle(deployment, event.currentTarget) }, deployment.paused ? "Resume" : "Pause")));
      }),
      "No deployments. Create one with flow.deploy(...) or flow.serve(...)."));
  }

  return { title: "Deployments", refresh };
}
