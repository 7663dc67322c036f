// Artifacts: what runs published. The artifacts page lists each key's newest version; a
// key's page shows that version rendered and every earlier one; run pages show theirs.
// Every artifact body is built from DOM nodes (see markdown.js), never from HTML strings.
import { api, ApiError } from "../api.js";
import { fill, h } from "../dom.js";
import { ago, json, shortId, when } from "../format.js";
import { markdown, safeUrl } from "../markdown.js";
import { errorNote, pageHeader, table } from "./common.js";

/** Table data as Prefect stores it (JSON text): rows of dicts, a dict of columns, or rows. */
export function tableRows(data) {
  let value = data;
  if (typeof value === "string") {
    try { value = JSON.parse(value); } catch { return null; }
  }
  if (Array.isArray(value) && value.every((row) => row && typeof row === "object" && !Array.isArray(row))) {
    const headers = [...new Set(value.flatMap((row) => Object.keys(row)))];
    return { headers, rows: value.map((row) => headers.map((key) => row[key])) };
  }
  if (Array.isArray(value) && value.every(Array.isArray)) {
    const width = Math.max(0, ...value.map((row) => row.length));
    return { headers: Array.from({ length: width }, (_, i) => String(i)), rows: value };
  }
  if (value && typeof value === "object" && Object.values(value).every(Array.isArray)) {
    const headers = Object.keys(value);
    const length = Math.max(0, ...Object.values(value).map((column) => column.length));
    return { headers, rows: Array.from({ length }, (_, i) => headers.map((key) => value[key][i])) };
  }
  return null;
}

function cell(value) {
  if (value === null || value === undefined) return h("td.muted", {}, "—");
  return h("td", {}, typeof value === "object" ? json(value) : String(value));
}

/** One artifact's data, rendered by its type. */
export function artifactBody(artifact) {
  const data = artifact.data;
  if (artifact.type === "markdown") return h("div.markdown", {}, markdown(data));
  if (artifact.type === "table") {
    const shaped = tableRows(data);
    if (shaped) {
      return h("div.artifact-table", {}, h("table.grid", {},
        h("thead", {}, h("tr", {}, shaped.headers.map((name) => h("th", {}, name)))),
        h("tbody", {}, shaped.rows.map((row) => h("tr", {}, row.map(cell))))));
    }
  }
  if (artifact.type === "progress" && typeof data === "number") {
    const percent = Math.max(0, Math.min(100, data));
    return h("div.progress", { role: "progressbar", "aria-valuenow": percent, "aria-valuemin": 0, "aria-valuemax": 100 },
      h("div.progress-bar", { style: { width: `${percent}%` } }),
      h("span.progress-label", {}, `${Math.round(percent * 10) / 10}%`));
  }
  if (artifact.type === "image" && typeof data === "string") {
    const src = safeUrl(data, true);
    if (src) return h("figure.artifact-image", {}, h("img", { src, alt: artifact.description || artifact.key || "image artifact", loading: "lazy" }));
  }
  return h("pre.artifact-raw", {}, typeof data === "string" ? data : json(data));
}

/** An artifact as a panel: key and version, type, when, its run, the body. */
export function artifactCard(artifact, { showRun = true, taskName = null } = {}) {
  const title = artifact.key
    ? h("a.artifact-key", { href: `#/artifacts/${encodeURIComponent(artifact.key)}` }, artifact.key)
    : h("span.muted", {}, "unkeyed");
  return h("section.panel.artifact", { dataset: { artifactId: artifact.id, type: artifact.type || "" } },
    h("div.panel-title", {},
      h("h3", {}, title, artifact.version ? h("span.muted.small", {}, ` v${artifact.version}`) : null),
      h("span.tag", {}, artifact.type || "artifact"),
      h("span.muted.small", { title: when(artifact.updated) }, ago(artifact.updated))),
    artifact.description ? h("div.artifact-description", {}, markdown(artifact.description)) : null,
    artifactBody(artifact),
    taskName ? h("p.muted.small.artifact-task", {}, "From task ", h("span.mono", {}, taskName)) : null,
    showRun && artifact.flow_run_id
      ? h("p.muted.small", {}, "From flow run ", h("a", { href: `#/runs/${artifact.flow_run_id}` }, shortId(artifact.flow_run_id)),
          artifact.task_run_id ? ` (task run ${shortId(artifact.task_run_id)})` : "")
      : null);
}

export function artifactsView(root) {
  const search = h("input#artifact-search", { type: "search", placeholder: "Filter keys", "aria-label": "Filter keys" });
  const list = h("div#artifacts");
  root.append(pageHeader("Artifacts", search), list);
  // through the shell, which runs one redraw at a time
  search.addEventListener("input", () => window.dispatchEvent(new Event("paramschange")));

  async function refresh() {
    const latest = await api.artifacts({ latest_only: true, sort: "key_asc", key_like: search.value.trim(), limit: 500 });
    fill(list, table(["Key", "Version", "Type", "Updated", "Flow run", "Preview"], latest.map((artifact) =>
      h("tr", { dataset: { key: artifact.key } },
        h("td", {}, h("a", { href: `#/artifacts/${encodeURIComponent(artifact.key)}` }, artifact.key)),
        h("td.num", {}, artifact.version),
        h("td", {}, h("span.tag", {}, artifact.type || "—")),
        h("td", { title: when(artifact.updated) }, ago(artifact.updated)),
        h("td.mono", {}, artifact.flow_run_id ? h("a", { href: `#/runs/${artifact.flow_run_id}` }, shortId(artifact.flow_run_id)) : "—"),
        h("td.preview", {}, preview(artifact)))),
      "No artifacts with a key yet: create_markdown_artifact(..., key=\"report\") publishes one."));
  }

  return { title: "Artifacts", refresh };
}

function preview(artifact) {
  if (artifact.type === "progress" && typeof artifact.data === "number") return `${artifact.data}%`;
  const text = typeof artifact.data === "string" ? artifact.data : json(artifact.data);
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > 80 ? flat.slice(0, 79) + "…" : flat;
}

export function artifactKeyView(root, { match }) {
  const key = decodeURIComponent(match[0]);
  const latest = h("div#artifact-latest");
  const history = h("div#artifact-history");
  root.append(
    h("p.crumbs", {}, h("a", { href: "#/artifacts" }, "Artifacts"), " / ", h("span", {}, key)),
    pageHeader(key),
    latest,
    h("section.panel", {}, h("h2", {}, "Versions"), history));

  async function refresh() {
    let versions;
    try {
      versions = await api.artifacts({ keys: [key], sort: "key_asc", limit: 200 });
    } catch (error) {
      if (error instanceof ApiError) { fill(latest, errorNote(error)); return; }
      throw error;
    }
    if (!versions.length) {
      fill(latest, h("p.empty-note", {}, `No artifact with the key ${key}.`));
      fill(history);
      return;
    }
    fill(latest, artifactCard(versions[0]));
    fill(history, table(["Version", "Type", "Created", "Flow run", "Preview"], versions.map((artifact) =>
      h("tr", { dataset: { version: artifact.version } },
        h("td.num", {}, `v${artifact.version}`),
        h("td", {}, artifact.type || "—"),
        h("td", { title: when(artifact.created) }, when(artifact.created)),
        h("td.mono", {}, artifact.flow_run_id ? h("a", { href: `#/runs/${artifact.flow_run_id}` }, shortId(artifact.flow_run_id)) : "—"),
        h("td.preview", {}, preview(artifact))))));
  }

  return { title: `Artifact ${key}`, refresh };
}
