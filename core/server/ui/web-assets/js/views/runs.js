// Flow runs: filters (flow, state, tag, time window) kept in the URL, and paging.
import { api } from "../api.js";
import { fill, h } from "../dom.js";
import { STATE_TYPES, titleCase } from "../format.js";
import { currentRoute, setParams } from "../router.js";
import { FLOW_RUN_HEADERS, flowRunRow, pageHeader, table } from "./common.js";

export const PAGE_SIZE = 25;

const TIME_WINDOWS = [["", "Any time"], ["1h", "Last hour"], ["24h", "Last 24 hours"], ["7d", "Last 7 days"]];
const WINDOW_SECONDS = { "1h": 3600, "24h": 86400, "7d": 7 * 86400 };

/** The API query for the filters in the URL. */
export function runQuery(params) {
  const state = params.get("state");
  const windowKey = params.get("window");
  const page = Math.max(1, Number(params.get("page")) || 1);
  return {
    flow_names: params.get("flow") ? [params.get("flow")] : null,
    name_like: params.get("name") || null,
    deployment_ids: params.get("deployment") ? [params.get("deployment")] : null,
    state_types: state ? state.split(",") : null,
    tags_all: params.get("tag") ? params.get("tag").split(",").map((t) => t.trim()).filter(Boolean) : null,
    created_after: WINDOW_SECONDS[windowKey] ? Date.now() / 1000 - WINDOW_SECONDS[windowKey] : null,
    parent_flow_run_ids: params.get("subflows") === "1" ? null : [null],
    limit: PAGE_SIZE,
    offset: (page - 1) * PAGE_SIZE,
  };
}

export function runsView(root) {
  const flowNames = new Set();
  const flowList = h("datalist#flow-names");
  const flow = h("input#filter-flow", { type: "search", placeholder: "Flow name", list: "flow-names", "aria-label": "Flow" });
  const name = h("input#filter-name", { type: "search", placeholder: "Run name contains", "aria-label": "Run name" });
  const scope = h("div.scope");
  const state = h("select#filter-state", { "aria-label": "State" },
    h("option", { value: "" }, "Any state"),
    h("option", { value: "FAILED,CRASHED" }, "Failed or crashed"),
    STATE_TYPES.map((type) => h("option", { value: type }, titleCase(type))));
  const tag = h("input#filter-tag", { type: "search", placeholder: "Tag", "aria-label": "Tag" });
  const windowSelect = h("select#filter-window", { "aria-label": "Time window" },
    TIME_WINDOWS.map(([value, label]) => h("option", { value }, label)));
  const subflows = h("input#filter-subflows", { type: "checkbox" });
  const results = h("div#runs-table");
  const pager = h("nav.pager", { "aria-label": "Pages" });

  function apply() {
    const params = new URLSearchParams();
    const kept = currentRoute().params.get("deployment"); // set by links, cleared by Clear
    if (kept) params.set("deployment", kept);
    if (flow.value.trim()) params.set("flow", flow.value.trim());
    if (name.value.trim()) params.set("name", name.value.trim());
    if (state.value) params.set("state", state.value);
    if (tag.value.trim()) params.set("tag", tag.value.trim());
    if (windowSelect.value) params.set("window", windowSelect.value);
    if (subflows.checked) params.set("subflows", "1");
    setParams(params);
  }
  for (const input of [flow, name, state, tag, windowSelect, subflows]) input.addEventListener("change", apply);

  const params = currentRoute().params;
  flow.value = params.get("flow") || "";
  name.value = params.get("name") || "";
  state.value = params.get("state") || "";
  tag.value = params.get("tag") || "";
  windowSelect.value = params.get("window") || "";
  subflows.checked = params.get("subflows") === "1";

  root.append(
    pageHeader("Flow runs"),
    h("form.filters", { onsubmit: (event) => { event.preventDefault(); apply(); } },
      flow, flowList, name, state, tag, windowSelect,
      h("label.check", {}, subflows, " Include subflows"),
      h("button.secondary", { type: "button", onclick: () => {
        flow.value = name.value = tag.value = state.value = windowSelect.value = "";
        subflows.checked = false;
        setParams(new URLSearchParams());
      } }, "Clear")),
    scope, results, pager);

  function goto(page) {
    const next = currentRoute().params;
    next.set("page", String(page));
    setParams(next);
  }

  async function refresh() {
    const params = currentRoute().params;
    const query = runQuery(params);
    const deploymentId = params.get("deployment");
    const [runs, total, deployment] = await Promise.all([
      api.flowRuns(query), api.countFlowRuns(query),
      deploymentId ? api.deployment(deploymentId).catch(() => null) : null,
    ]);
    fill(scope, deploymentId
      ? h("span.chip", {}, "Deployment ", h("strong", {}, deployment ? `${deployment.flow_name}/${deployment.name}` : deploymentId.slice(0, 8)),
          " ", h("button.link", { type: "button", "aria-label": "Show all deployments", onclick: () => {
            const next = currentRoute().params;
            next.delete("deployment");
            setParams(next);
          } }, "×"))
      : null);
    for (const run of runs) {
      if (!flowNames.has(run.flow_name)) {
        flowNames.add(run.flow_name);
        flowList.append(h("option", { value: run.flow_name }));
      }
    }
    fill(results, table(FLOW_RUN_HEADERS, runs.map(flowRunRow), "No flow runs match these filters."));
    const page = query.offset / PAGE_SIZE + 1;
    const pages = Math.max(1, Math.ceil(total / PAGE_SIZE));
    const first = total ? query.offset + 1 : 0;
    fill(pager,
      h("button.secondary#page-prev", { type: "button", disabled: page <= 1, onclick: () => goto(page - 1) }, "‹ Newer"),
      h("span#page-info", {}, `${first}–${query.offset + runs.length} of ${total}`),
      h("button.secondary#page-next", { type: "button", disabled: page >= pages, onclick: () => goto(page + 1) }, "Older ›"));
  }

  return { title: "Flow runs", refresh };
}
