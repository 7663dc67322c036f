// A small Markdown renderer for artifacts: it builds DOM nodes with `h` (text always as text
// nodes), never HTML strings, so raw HTML in a report shows as text and nothing a run
// published can run script on the page. Links and images keep only safe URLs.
//
// Covered: headings, paragraphs, emphasis, inline code, fenced code, links, images, lists
// (nested by indentation), block quotes, rules and GitHub-style tables.
import { h } from "./dom.js";

const SAFE_LINK = /^(https?:|mailto:|#|\/(?!\/)|\.{1,2}\/)/i;
const SAFE_IMAGE = /^(https?:|data:image\/(png|gif|jpeg|webp);base64,|\/(?!\/))/i;

/** A link's href if it is safe to follow, else null (javascript:, data:, ...). */
export function safeUrl(url, image = false) {
  const trimmed = String(url || "").trim();
  return (image ? SAFE_IMAGE : SAFE_LINK).test(trimmed) ? trimmed : null;
}

// `code`, ![alt](src), [text](href), <https://autolink>, **strong**, __strong__, *em*, _em_
// (underscores only at word edges, as CommonMark: snake_case_names stay as they are)
const INLINE = /`([^`]+)`|!\[([^\]]*)\]\(([^)\s]*)(?:\s+"[^"]*")?\)|\[([^\]]+)\]\(([^)\s]*)(?:\s+"[^"]*")?\)|<(https?:\/\/[^>\s]+)>|\*\*(?=\S)(.+?)(?<=\S)\*\*|(?<!\w)__(?=\S)(.+?)(?<=\S)__(?!\w)|\*([^*\s](?:[^*]*[^*\s])?)\*|(?<!\w)_([^_\s](?:[^_]*[^_\s])?)_(?!\w)/g;

/** Inline Markdown of one block of text, as an array of nodes and strings. */
export function inline(text) {
  const out = [];
  let last = 0;
  for (const m of text.matchAll(INLINE)) {
    if (m.index > last) out.push(text.slice(last, m.index));
    last = m.index + m[0].length;
    if (m[1] !== undefined) out.push(h("code", {}, m[1]));
    else if (m[3] !== undefined) {
      const src = safeUrl(m[3], true);
      out.push(src ? h("img", { src, alt: m[2], loading: "lazy" }) : m[0]);
    } else if (m[5] !== undefined) {
      const href = safeUrl(m[5]);
      out.push(href ? h("a", { href, target: "_blank", rel: "noopener noreferrer" }, inline(m[4])) : inline(m[4]));
    } else if (m[6] !== undefined) out.push(h("a", { href: m[6], target: "_blank", rel: "noopener noreferrer" }, m[6]));
    else if (m[7] !== undefined || m[8] !== undefined) out.push(h("strong", {}, inline(m[7] ?? m[8])));
    else out.push(h("em", {}, inline(m[9] ?? m[10])));
  }
  if (last < text.length) out.push(text.slice(last));
  return out;
}

const FENCE = /^\s*(```|~~~)/;
const HEADING = /^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$/;
const RULE = /^\s{0,3}([-*_])(\s*\1){2,}\s*$/;
const QUOTE = /^\s{0,3}>\s?/;
const ITEM = /^(\s*)([-*+]|\d+[.)])\s+(.*)$/;
const TABLE_RULE = /^\s*\|?\s*:?-+:?\s*(\|\s*:?-+:?\s*)*\|?\s*$/;

function cells(line) {
  return line.trim().replace(/^\|/, "").replace(/\|$/, "").split("|").map((cell) => cell.trim());
}

function startsBlock(line, next) {
  return FENCE.test(line) || HEADING.test(line) || RULE.test(line) || QUOTE.test(line) ||
    ITEM.test(line) || (line.includes("|") && next !== undefined && TABLE_RULE.test(next));
}

/** Block-level Markdown as an array of nodes. */
export function markdown(source) {
  const lines = String(source ?? "").replace(/\r\n?/g, "\n").split("\n");
  const out = [];
  let i = 0;
  while (i < lines.length) {
    const line = lines[i];
    if (!line.trim()) { i++; continue; }
    const fence = line.match(FENCE);
    if (fence) {
      const body = [];
      for (i++; i < lines.length && !lines[i].trim().startsWith(fence[1]); i++) body.push(lines[i]);
      i++;
      out.push(h("pre", {}, h("code", {}, body.join("\n"))));
      continue;
    }
    const heading = line.match(HEADING);
    if (heading) {
      out.push(h(`h${heading[1].length}`, {}, inline(heading[2])));
      i++;
      continue;
    }
    if (RULE.test(line)) { out.push(h("hr")); i++; continue; }
    if (line.includes("|") && i + 1 < lines.length && TABLE_RULE.test(lines[i + 1])) {
      const head = cells(line);
      const rows = [];
      for (i += 2; i < lines.length && lines[i].includes("|") && lines[i].trim(); i++) rows.push(cells(lines[i]));
      out.push(h("table.md-table", {},
        h("thead", {}, h("tr", {}, head.map((cell) => h("th", {}, inline(cell))))),
        h("tbody", {}, rows.map((row) => h("tr", {}, head.map((_, k) => h("td", {}, inline(row[k] ?? ""))))))));
      continue;
    }
    if (QUOTE.test(line)) {
      const body = [];
      for (; i < lines.length && QUOTE.test(lines[i]); i++) body.push(lines[i].replace(QUOTE, ""));
      out.push(h("blockquote", {}, markdown(body.join("\n"))));
      continue;
    }
    const item = line.match(ITEM);
    if (item) {
      const indent = item[1].length;
      const ordered = /\d/.test(item[2]);
      const items = [];
      while (i < lines.length) {
        const current = lines[i].match(ITEM);
        if (current && current[1].length === indent) {
          items.push([current[3]]);
          i++;
        } else if (lines[i].trim() && (lines[i].match(/^\s*/)[0].length > indent) && items.length) {
          items[items.length - 1].push(lines[i].slice(Math.min(indent + 2, lines[i].match(/^\s*/)[0].length)));
          i++;
        } else break;
      }
      out.push(h(ordered ? "ol" : "ul", {}, items.map((parts) => {
        const [first, ...rest] = parts;
        return h("li", {}, inline(first), rest.length ? markdown(rest.join("\n")) : null);
      })));
      continue;
    }
    const paragraph = [line.trim()];
    for (i++; i < lines.length && lines[i].trim() && !startsBlock(lines[i], lines[i + 1]); i++) paragraph.push(lines[i].trim());
    out.push(h("p", {}, inline(paragraph.join(" "))));
  }
  return out;
}
