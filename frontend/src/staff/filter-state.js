// The dispatcher's filters as one state object, kept in the page's URL so that a view can be
// bookmarked and shared. The URL's parameters are the staff API's (status=new,accepted,
// district=…, polygon=<GeoJSON>, bbox=…), except the dates: from/to are whole days, "to"
// included, and become created_after/created_before for the API.

const LISTS = ["status", "district"];
const FIELDS = ["q", "category", "unit", "channel", "from", "to"];
const AREAS = ["polygon", "bbox"];
const TEXTS = [...FIELDS, ...AREAS];
export const SORTS = ["reference", "category", "status", "district", "unit", "priority", "due", "created"];
export const DEFAULT_SORT = { sort: "created", dir: "desc" };

/** The state an URL's query string describes (unknown parameters are ignored). */
export function readState(search) {
  const params = new URLSearchParams(search);
  const state = {
    ...DEFAULT_SORT, page: 1, overdue: params.get("overdue") === "true", held: params.get("held") === "true",
  };
  for (const name of LISTS) {
    state[name] = (params.get(name) || "").split(",").map((v) => v.trim()).filter(Boolean);
  }
  for (const name of TEXTS) state[name] = (params.get(name) || "").trim();
  if (SORTS.includes(params.get("sort"))) state.sort = params.get("sort");
  if (params.get("dir") === "asc" || params.get("dir") === "desc") state.dir = params.get("dir");
  const page = Number.parseInt(params.get("page") || "1", 10);
  state.page = Number.isFinite(page) && page > 0 ? page : 1;
  return state;
}

/** The query string for a state: only what differs from the defaults, lists comma-separated. */
export function writeState(state) {
  const params = new URLSearchParams();
  for (const name of FIELDS) if (state[name]) params.set(name, state[name]);
  for (const name of LISTS) if (state[name].length) params.set(name, state[name].join(","));
  if (state.overdue) params.set("overdue", "true");
  if (state.held) params.set("held", "true");
  for (const name of AREAS) if (state[name]) params.set(name, state[name]);
  if (state.sort !== DEFAULT_SORT.sort || state.dir !== DEFAULT_SORT.dir) {
    params.set("sort", state.sort);
    params.set("dir", state.dir);
  }
  if (state.page > 1) params.set("page", String(state.page));
  const query = params.toString();
  return query ? `?${query}` : "";
}

/** The staff API's parameters for a state (the sort and page are the page's own business). */
export function apiParams(state) {
  const params = {
    q: state.q,
    status: state.status.join(","),
    district: state.district.join(","),
    category: state.category,
    unit: state.unit,
    channel: state.channel,
    overdue: state.overdue ? "true" : "",
    held: state.held ? "true" : "",
    created_after: state.from,
    created_before: state.to ? nextDay(state.to) : "",
    polygon: state.polygon,
    bbox: state.bbox,
  };
  return Object.fromEntries(Object.entries(params).filter(([, value]) => value));
}

/** "2026-03-31" → "2026-04-01": the API's created_before excludes its day, the form's "to" does not. */
export function nextDay(isoDate) {
  const [year, month, day] = isoDate.split("-").map(Number);
  if (!year || !month || !day) return isoDate; // let the API name the malformed date
  const date = new Date(Date.UTC(year, month - 1, day + 1));
  return date.toISOString().slice(0, 10);
}

/** The API's parameter a form field's error belongs to, as the form's error slot id. */
export const ERROR_SLOTS = {
  q: "filter-q-error",
  status: "filter-status-error",
  district: "filter-district-error",
  category: "filter-category-error",
  unit: "filter-unit-error",
  channel: "filter-channel-error",
  polygon: "filter-polygon-error",
  bbox: "filter-bbox-error",
  created_after: "filter-from-error",
  created_before: "filter-to-error",
};
