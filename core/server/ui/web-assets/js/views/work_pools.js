// Work pools and their workers, with each worker's health from its last heartbeat.
import { api } from "../api.js";
import { fill, h } from "../dom.js";
import { ago, when } from "../format.js";
import { pageHeader, table } from "./common.js";

/** A worker is healthy while it heartbeats (workers beat every 10 s by default). */
export const SILENT_AFTER_SECONDS = 30;

export function workerHealth(worker, now = Date.now() / 1000) {
  if (worker.status) return worker.status.toUpperCase();
  if (worker.stopped) return "STOPPED";
  return now - worker.heartbeat <= SILENT_AFTER_SECONDS ? "ONLINE" : "SILENT";
}

export function workPoolsView(root) {
  const list = h("div#work-pools");
  root.append(pageHeader("Work pools"), list);

  async function refresh() {
    const pools = await api.workPools();
    const workers = await Promise.all(pools.map((pool) => api.workers(pool.name)));
    fill(list, pools.length
      ? pools.map((pool, i) => {
          const online = workers[i].filter((w) => workerHealth(w) === "ONLINE").length;
          return h("section.panel", { dataset: { pool: pool.name } },
            h("div.panel-title", {}, h("h2", {}, pool.name), h("span.muted", {}, `${pool.type} pool · ${online} online`)),
            table(["Worker", "Health", "Last heartbeat", "Started", "PID"],
              workers[i].map((worker) => {
                const health = workerHealth(worker);
                return h("tr", { dataset: { worker: worker.name, health } },
                  h("td", {}, worker.name),
                  h("td", {}, h("span.badge", { class: "health-" + health.toLowerCase() }, health.charAt(0) + health.slice(1).toLowerCase())),
                  h("td", { title: when(worker.heartbeat) }, ago(worker.heartbeat)),
                  h("td", {}, when(worker.started)),
                  h("td.mono", {}, worker.pid));
              }),
              `No workers yet: headrace worker start --pool ${pool.name}`));
        })
      : h("p.empty-note", {}, "No work pools. Create one: headrace work-pool create NAME --type process"));
  }

  return { title: "Work pools", refresh };
}
