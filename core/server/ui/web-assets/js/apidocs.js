// The API reference at /docs: reads the server's own OpenAPI schema and lists every route by
// tag, with its parameters and the schemas it takes and returns. Shipped with the package
// (no CDN) so it works offline; every string from the schema goes in as text, never as HTML.
import { fill, h } from "./dom.js";

const SCHEMA_URL = "/api/openapi.json";
const METHODS = ["get", "post", "put", "patch", "delete"];

/** A schema's short name: the `$ref` target, or its type (arrays and unions spelled out). */
function typeName(schema) {
  if (!schema) return "any";
  if (schema.$ref) return schema.$ref.split("/").pop();
  if (schema.type === "array") return `${typeName(schema.items)}[]`;
  const union = schema.anyOf || schema.oneOf;
  if (union) return union.map(typeName).join(" | ");
  if (schema.allOf && schema.allOf.length === 1) return typeName(schema.allOf[0]);
  if (schema.enum) return schema.enum.map((v) => JSON.stringify(v)).join(" | ");
  if (schema.type === "object" && schema.title && schema.properties) return schema.title;
  if (schema.type === "object" && schema.additionalProperties) {
    return `{[key]: ${typeName(schema.additionalProperties)}}`;
  }
  return schema.type || "any";
}

function bodyType(content) {
  if (!content) return null;
  const [mediaType, entry] = Object.entries(content)[0] || [];
  if (!mediaType) return null;
  return `${typeName(entry.schema)}${mediaType === "application/json" ? "" : ` (${mediaType})`}`;
}

/** Operations grouped by their first tag, in the order the schema lists them. */
function byTag(spec) {
  const groups = new Map();
  for (const [path, item] of Object.entries(spec.paths || {})) {
    for (const method of METHODS) {
      const op = item[method];
      if (!op) continue;
      const tag = (op.tags && op.tags[0]) || "other";
      if (!groups.has(tag)) groups.set(tag, []);
      groups.get(tag).push({ path, method, op, shared: item.parameters || [] });
    }
  }
  return groups;
}

function anchor(text) {
  return `tag-${text.toLowerCase().replace(/[^a-z0-9]+/g, "-")}`;
}

function parametersTable(params) {
  if (!params.length) return null;
  return h("table.grid.api-params", {},
    h("thead", {}, h("tr", {}, h("th", {}, "parameter"), h("th", {}, "in"), h("th", {}, "type"),
      h("th", {}, "description"))),
    h("tbody", {}, params.map((p) => h("tr", {},
      h("td.mono", {}, p.name, p.required ? h("span.required", { title: "required" }, " *") : null),
      h("td.muted", {}, p.in),
      h("td.mono", {}, typeName(p.schema)),
      h("td", {}, p.description || (p.schema && p.schema.description) || "")))));
}

function operation({ path, method, op, shared }) {
  const params = [...shared, ...(op.parameters || [])];
  const request = op.requestBody ? bodyType(op.requestBody.content) : null;
  const responses = Object.entries(op.responses || {});
  return h("section.panel.api-op", { id: op.operationId || undefined, dataset: { method, path } },
    h("div.panel-title", {},
      h(`span.method.method-${method}`, {}, method.toUpperCase()),
      h("code.api-path", {}, path),
      op.summary ? h("span.muted", {}, op.summary) : null),
    op.description ? h("p.api-desc", {}, op.description) : null,
    parametersTable(params),
    request ? h("p", {}, h("span.muted", {}, "request body: "), h("code", {}, request),
      op.requestBody.required ? h("span.muted", {}, " (required)") : null) : null,
    responses.length ? h("ul.api-responses", {}, responses.map(([code, r]) => h("li", {},
      h("code", {}, code), " ", r.description || "",
      bodyType(r.content) ? [" → ", h("code", {}, bodyType(r.content))] : null))) : null);
}

function schemaList(spec) {
  const schemas = Object.entries((spec.components && spec.components.schemas) || {});
  if (!schemas.length) return null;
  return h("section#schemas", {}, h("h2", {}, "Schemas"),
    schemas.map(([name, schema]) => h("details.panel.api-schema", { id: `schema-${name}` },
      h("summary", {}, h("code", {}, name), schema.description ? h("span.muted", {}, ` ${schema.description}`) : null),
      h("table.grid", {}, h("tbody", {}, Object.entries(schema.properties || {}).map(([prop, s]) =>
        h("tr", {},
          h("td.mono", {}, prop, (schema.required || []).includes(prop) ? h("span.required", {}, " *") : null),
          h("td.mono", {}, typeName(s)),
          h("td", {}, s.description || ""))))))));
}

function render(spec) {
  const groups = byTag(spec);
  const info = spec.info || {};
  fill(document.getElementById("api-tags"),
    [...groups.keys()].map((tag) => h("a", { href: `#${anchor(tag)}` }, tag)),
    h("a", { href: "#schemas" }, "schemas"));
  fill(document.getElementById("view"),
    h("header.page-header", {}, h("div", {},
      h("h1", {}, `${info.title || "API"} API reference`),
      h("p.muted", {}, `version ${info.version || "?"} · OpenAPI ${spec.openapi || "?"}`))),
    info.description ? h("p", {}, info.description) : null,
    [...groups.entries()].map(([tag, ops]) => h("section.api-tag", { id: anchor(tag) },
      h("h2", {}, tag), ops.map(operation))),
    schemaList(spec));
  if (location.hash) document.getElementById(location.hash.slice(1))?.scrollIntoView();
}

async function main() {
  try {
    const reply = await fetch(SCHEMA_URL, { credentials: "same-origin" });
    if (!reply.ok) throw new Error(`${SCHEMA_URL} answered ${reply.status}`);
    render(await reply.json());
  } catch (error) {
    fill(document.getElementById("view"), h("p.error-note", {}, `Could not load the API schema: ${error.message}`));
  }
}

main();
