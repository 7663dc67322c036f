// Automations: each trigger, its actions, how often it fired and what went wrong, with
// pause/resume. Everything here comes from /api/automations (scriptable the same way).
import { api } from "../api.js";
import { fill, h } from "../dom.js";
import { ago, when } from "../format.js";
import { errorNote, pageHeader, table } from "./common.js";

/** A trigger's JSON in words: "Reactive: s3.file.uploaded ×3 within 60s". */
export function triggerText(trigger) {
  if (trigger.type === "event") {
    const names = (trigger.expect || []).join(", ") || "any event";
    let text = `${trigger.posture || "Reactive"}: ${names}`;
    if ((trigger.after || []).length) text += ` after ${trigger.after.join(", ")}`;
    if (trigger.threshold > 1) text += ` ×${trigger.threshold}`;
    if (trigger.within) text += ` within ${trigger.within}s`;
    return text;
  }
  const inner = (trigger.triggers || []).map(triggerText).join("; ");
  const require = trigger.type === "compound" ? ` ${trigger.require} of` : "";
  return `${trigger.type}${require} (${inner})`;
}

const STATUS_CLASS = { done: "state-completed", failed: "state-failed", running: "state-running", pending: "state-pending" };

export function automationsView(root) {
  const list = h("div#automations");
  const note = h("div");
  root.append(pageHeader("Automations"), note, list);

  async function toggle(automation) {
    try {
      await (automation.enabled ? api.pauseAutomation(automation.id) : api.resumeAutomation(automation.id));
      fill(note);
      await refresh();
    } catch (error) {
      fill(note, errorNote(error));
    }
  }

  async function refresh() {
    const automations = await api.automations();
    const firings = await Promise.all(automations.map((a) => api.automationFirings(a.id, 5)));
    fill(list, automations.length
      ? automations.map((automation, i) => h("section.panel", { dataset: { automation: automation.name, enabled: String(automation.enabled) } },
          h("div.panel-title", {},
            h("h2", {}, automation.name),
            h("span.badge", { class: automation.enabled ? "state-completed" : "state-paused" }, automation.enabled ? "Enabled" : "Paused"),
            h("button", { type: "button", onclick: () => toggle(automation) }, automation.enabled ? "Pause" : "Resume")),
          h("p.muted", {}, triggerText(automation.trigger), " → ",
            automation.actions.map((action) => action.type).join(", ")),
          h("p", {}, `Fired ${automation.fired_count} time(s)`,
            automation.last_fired ? h("span.muted", { title: when(automation.last_fired) }, ` · last ${ago(automation.last_fired)}`) : null),
          automation.last_error
            ? h("p.error-note.last-error", { role: "alert" }, `Last error (${when(automation.last_error_at)}): ${automation.last_error}`)
            : null,
          table(["Fired", "Action", "Status", "Error"],
            firings[i].map((firing) => h("tr", { dataset: { status: firing.status } },
              h("td", { title: when(firing.fired) }, ago(firing.fired)),
              h("td", {}, firing.action_type),
              h("td", {}, h("span.badge", { class: STATUS_CLASS[firing.status] }, firing.status)),
              h("td.muted", {}, firing.error || ""))),
            "It has not fired yet.")))
      : h("p.empty-note", {}, "No automations. Create one with Automation(...).create() or deploy(triggers=[...])."));
  }

  return { title: "Automations", refresh };
}
