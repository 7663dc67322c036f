// How times, durations and states read on every page.
import { h } from "./dom.js";

export const STATE_TYPES = [
  "SCHEDULED", "PENDING", "RUNNING", "COMPLETED", "FAILED", "CRASHED", "CANCELLING",
  "CANCELLED", "PAUSED",
];
export const FINAL_STATE_TYPES = ["COMPLETED", "FAILED", "CANCELLED", "CRASHED"];

export function stateClass(type) {
  return "state-" + String(type || "unknown").toLowerCase();
}

export function titleCase(type) {
  const text = String(type || "Unknown").toLowerCase();
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** A coloured pill with the state's name (its type shows in the colour and the tooltip). */
export function stateBadge(type, name) {
  return h("span.badge", { class: stateClass(type), title: titleCase(type) }, name || titleCase(type));
}

const pad = (n) => String(n).padStart(2, "0");

/** Unix seconds to local "2026-12-06 09:14:03". */
export function when(seconds) {
  if (seconds === null || seconds === undefined) return "—";
  const d = new Date(seconds * 1000);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ` +
    `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

export function clock(seconds) {
  const d = new Date(seconds * 1000);
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}` +
    `.${String(d.getMilliseconds()).padStart(3, "0")}`;
}

/** "3s ago", "5m ago", "2h ago", "4d ago". */
export function ago(seconds, now = Date.now() / 1000) {
  if (seconds === null || seconds === undefined) return "never";
  const delta = Math.max(0, now - seconds);
  if (delta < 60) return `${Math.round(delta)}s ago`;
  if (delta < 3600) return `${Math.round(delta / 60)}m ago`;
  if (delta < 86400) return `${Math.round(delta / 3600)}h ago`;
  return `${Math.round(delta / 86400)}d ago`;
}

/** "in 5m", "in 3h" for a time ahead; "now" once it is due. */
export function until(seconds, now = Date.now() / 1000) {
  const delta = seconds - now;
  if (delta <= 0) return "now";
  if (delta < 60) return `in ${Math.round(delta)}s`;
  if (delta < 3600) return `in ${Math.round(delta / 60)}m`;
  if (delta < 86400) return `in ${Math.round(delta / 3600)}h`;
  return `in ${Math.round(delta / 86400)}d`;
}

export function duration(start, end, now = Date.now() / 1000) {
  if (start === null || start === undefined) return "—";
  const total = Math.max(0, (end ?? now) - start);
  if (total < 0.0001) return "<0.1ms";
  if (total < 0.01) return `${(total * 1000).toFixed(1)}ms`;
  if (total < 1) return `${Math.round(total * 1000)}ms`;
  if (total < 60) return `${total.toFixed(1)}s`;
  const minutes = Math.floor(total / 60);
  if (minutes < 60) return `${minutes}m ${Math.round(total % 60)}s`;
  return `${Math.floor(minutes / 60)}h ${minutes % 60}m`;
}

export function shortId(id) {
  return String(id || "").slice(0, 8);
}

export function json(value) {
  return JSON.stringify(value, null, 2);
}

export const LOG_LEVELS = [
  [10, "DEBUG"], [20, "INFO"], [30, "WARNING"], [40, "ERROR"], [50, "CRITICAL"],
];

export function levelName(level) {
  let name = "DEBUG";
  for (const [value, label] of LOG_LEVELS) if (level >= value) name = label;
  return name;
}
