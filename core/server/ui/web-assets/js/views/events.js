// Events, newest first, filtered by name (a `prefix*` matches a prefix) and resource.
import { api } from "../api.js";
import { fill, h } from "../dom.js";
import { ago, when } from "../format.js";
import { currentRoute, setParams } from "../router.js";
import { pageHeader, table } from "./common.js";

const PAGE = 100;

function patterns(text) {
  return text.split(",").map((part) => part.trim()).filter(Boolean);
}

export function eventsView(root) {
  const { params } = currentRoute();
  const name = h("input#event-filter", { type: "search", placeholder: "event, e.g. prefect.flow-run.*", value: params.get("event") || "", "aria-label": "Event name" });
  const resource = h("input#resource-filter", { type: "search", placeholder: "resource id or prefix*", value: params.get("resource") || "", "aria-label": "Resource" });
  const list = h("div#events");

  function onchange() {
    const next = new URLSearchParams();
    if (name.value.trim()) next.set("event", name.value.trim());
    if (resource.value.trim()) next.set("resource", resource.value.trim());
    setParams(next);
  }
  name.addEventListener("change", onchange);
  resource.addEventListener("change", onchange);
  root.append(pageHeader("Events", name, resource), list);

  async function refresh() {
    const query = { limit: PAGE, names: patterns(name.value), resource_ids: patterns(resource.value) };
    const events = await api.events(query);
    fill(list, table(["Occurred", "Event", "Resource", "Related", "Payload"],
      events.map((event) => h("tr", { dataset: { event: event.event } },
        h("td", { title: when(event.occurred) }, ago(event.occurred)),
        h("td.mono", {}, event.event),
        h("td.mono", { title: JSON.stringify(event.resource) }, event.resource["prefect.resource.name"] || event.resource["prefect.resource.id"]),
        h("td.muted", {}, event.related.map((r) => r["prefect.resource.role"]).join(", ")),
        h("td.mono.muted", {}, Object.keys(event.payload).length ? JSON.stringify(event.payload).slice(0, 120) : ""))),
      "No events match."));
  }

  return { title: "Events", refresh };
}
