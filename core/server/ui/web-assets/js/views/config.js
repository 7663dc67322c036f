// Blocks (secret fields arrive masked from the API), variables and concurrency limits.
import { api } from "../api.js";
import { fill, h } from "../dom.js";
import { json, when } from "../format.js";
import { pageHeader, table } from "./common.js";

function fieldsList(data) {
  const entries = Object.entries(data || {});
  if (!entries.length) return h("span.muted", {}, "no fields");
  return h("dl.fields", {}, entries.map(([key, value]) => [h("dt", {}, key), h("dd.mono", {}, typeof value === "string" ? value : json(value))]));
}

export function blocksView(root) {
  const list = h("div#blocks");
  root.append(pageHeader("Blocks"), list);
  async function refresh() {
    const blocks = await api.blocks();
    fill(list, table(["Type", "Name", "Fields", "Updated"],
      blocks.map((block) => h("tr", { dataset: { block: `${block.block_type_slug}/${block.name}` } },
        h("td", {}, h("span.tag", {}, block.block_type_slug)),
        h("td", {}, h("strong", {}, block.name)),
        h("td", {}, block.values ? fieldsList(block.values) : h("span.muted", {}, "fields not readable by the server")),
        h("td", {}, block.updated ? when(Date.parse(block.updated) / 1000) : "—"))),
      "No blocks saved. Save one from code: Secret(value=...).save('name')"));
  }
  return { title: "Blocks", refresh };
}

export function variablesView(root) {
  const list = h("div#variables");
  root.append(pageHeader("Variables"), list);
  async function refresh() {
    const variables = await api.variables();
    fill(list, table(["Name", "Value", "Tags", "Updated"],
      variables.map((variable) => h("tr", { dataset: { variable: variable.name } },
        h("td", {}, h("strong.mono", {}, variable.name)),
        h("td", {}, h("code", {}, json(variable.value))),
        h("td.tags", {}, (variable.tags || []).map((tag) => h("span.tag", {}, tag))),
        h("td", {}, when(variable.updated)))),
      "No variables. Set one: headrace variable set NAME VALUE"));
  }
  return { title: "Variables", refresh };
}

function occupancy(limit) {
  const used = limit.active_slots + (limit.decaying_slots || 0);
  const share = limit.limit ? Math.min(1, used / limit.limit) : 1;
  return h("div.meter", { title: `${limit.active_slots} held of ${limit.limit}` },
    h("span.meter-fill", { style: { width: `${share * 100}%` }, class: share >= 1 ? "full" : "" }),
    h("span.meter-text", {}, `${limit.active_slots} / ${limit.limit}`));
}

export function limitsView(root) {
  const list = h("div#limits");
  root.append(pageHeader("Concurrency limits"), list);
  async function refresh() {
    const limits = await api.concurrencyLimits();
    fill(list, table(["Name", "Slots in use", "Decay / s", "Active", "Held by"],
      limits.map((limit) => h("tr", { dataset: { limit: limit.name } },
        h("td", {}, h("strong.mono", {}, limit.name)),
        h("td", {}, occupancy(limit)),
        h("td.num", {}, limit.slot_decay_per_second || "—"),
        h("td", {}, limit.active ? "yes" : h("span.muted", {}, "no")),
        h("td.mono.small", {}, (limit.holders || []).map((holder) => holder.slice(0, 8)).join(", ") || "—"))),
      "No concurrency limits. Create one: headrace gcl create NAME --limit N"));
  }
  return { title: "Concurrency limits", refresh };
}
