// Routes live after '#', so the server serves one page and links work offline.

/** The current route: path and query of the part after '#'. */
export function currentRoute() {
  const raw = location.hash.replace(/^#/, "") || "/";
  const [path, search = ""] = raw.split("?");
  return { path, params: new URLSearchParams(search) };
}

/** Change the query of the current route (filters, paging) without a new history entry. */
export function setParams(params) {
  const { path } = currentRoute();
  const search = params.toString();
  history.replaceState(null, "", "#" + path + (search ? "?" + search : ""));
  window.dispatchEvent(new Event("paramschange"));
}
