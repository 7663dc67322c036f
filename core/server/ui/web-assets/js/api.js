// The UI's only door to data: the public REST API under /api. Every function here is a
// call a script can make too (see the OpenAPI page at /docs).

export class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

async function call(method, path, body) {
  const init = { method, headers: { Accept: "application/json" }, credentials: "same-origin" };
  if (body !== undefined) {
    init.headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  const response = await fetch("/api" + path, init);
  if (response.status === 401) {
    // the session ended (or never began): the server's login page brings us back here
    const next = location.pathname + location.search + location.hash;
    location.assign("/login?next=" + encodeURIComponent(next));
    throw new ApiError(401, "authentication required");
  }
  const text = await response.text();
  const data = text ? JSON.parse(text) : null;
  if (!response.ok) {
    const message = (data && (data.message || data.detail)) || response.statusText;
    throw new ApiError(response.status, typeof message === "string" ? message : JSON.stringify(message));
  }
  return data;
}

const get = (path) => call("GET", path);
const post = (path, body) => call("POST", path, body ?? {});
const patch = (path, body) => call("PATCH", path, body ?? {});

/** Drop empty filters so the request says only what the user chose. */
function compact(query) {
  const out = {};
  for (const [key, value] of Object.entries(query)) {
    if (value === null || value === undefined || value === "") continue;
    if (Array.isArray(value) && value.length === 0) continue;
    out[key] = value;
  }
  return out;
}

export const api = {
  health: () => get("/health"),

  // runs
  flowRuns: (query) => post("/flow_runs/filter", compact(query)),
  countFlowRuns: (query) => post("/flow_runs/count", compact(query)),
  flowRun: (id) => get(`/flow_runs/${encodeURIComponent(id)}`),
  flowRunStates: (id) => get(`/flow_runs/${encodeURIComponent(id)}/states`),
  flowRunHistory: (query) => post("/flow_runs/history", compact(query)),
  taskRuns: (query) => post("/task_runs/filter", compact(query)),
  logs: (query) => post("/logs/filter", compact(query)),
  setFlowRunState: (id, state) => post(`/flow_runs/${encodeURIComponent(id)}/set_state`, state),

  // deployments and workers
  deployments: () => post("/deployments/filter", {}),
  deployment: (id) => get(`/deployments/${encodeURIComponent(id)}`),
  runDeployment: (id, body) => post(`/deployments/${encodeURIComponent(id)}/create_flow_run`, body),
  pauseDeployment: (id) => post(`/deployments/${encodeURIComponent(id)}/pause`),
  resumeDeployment: (id) => post(`/deployments/${encodeURIComponent(id)}/resume`),
  workPools: () => post("/work_pools/filter"),
  workers: (pool) => post("/workers/filter", { work_pool_name: pool }),

  // artifacts
  artifacts: (query) => post("/artifacts/filter", compact(query)),

  // configuration
  blocks: () => post("/block_documents/filter", {}),
  variables: () => post("/variables/filter", {}),
  concurrencyLimits: () => post("/concurrency_limits/filter", {}),
  settings: () => get("/ui/settings"),

  // events and automations
  events: (query) => post("/events/filter", compact(query)),
  automations: () => post("/automations/filter", {}),
  automationFirings: (id, limit) => get(`/automations/${encodeURIComponent(id)}/firings?limit=${limit}`),
  pauseAutomation: (id) => post(`/automations/${encodeURIComponent(id)}/pause`),
  resumeAutomation: (id) => post(`/automations/${encodeURIComponent(id)}/resume`),
};
