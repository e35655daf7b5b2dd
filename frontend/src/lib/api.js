// The JSON API. Errors come back as {"field": ["message"]} in the page's language.

export class ApiError extends Error {
  constructor(status, body) {
    super(`HTTP ${status}`);
    this.status = status;
    this.body = body && typeof body === "object" ? body : {};
  }

  /** Messages for one field, or [] ("location", "description", "attributes", ...). */
  messages(field) {
    const value = this.body[field];
    if (Array.isArray(value)) return value.map(String);
    if (typeof value === "string") return [value];
    return [];
  }
}

function csrfToken() {
  const input = document.querySelector("input[name=csrfmiddlewaretoken]");
  return input ? input.value : "";
}

/** The page's language (<html lang>), so answers match the page, not the browser's setting. */
function pageLanguage() {
  return document.documentElement.lang || "pl";
}

async function request(url, options = {}) {
  const response = await fetch(url, {
    credentials: "same-origin",
    ...options,
    headers: {
      Accept: "application/json",
      "Accept-Language": pageLanguage(),
      "X-CSRFToken": csrfToken(),
      ...(options.headers || {}),
    },
  });
  let body = null;
  const type = response.headers.get("Content-Type") || "";
  if (type.includes("json")) body = await response.json();
  if (!response.ok) throw new ApiError(response.status, body);
  return body;
}

export function getJSON(url, params = {}, { signal } = {}) {
  const query = new URLSearchParams(Object.entries(params).filter(([, v]) => v !== undefined && v !== null && v !== ""));
  const full = query.toString() ? `${url}?${query}` : url;
  return request(full, { signal });
}

/** POST JSON; `headers` adds to the usual ones (e.g. If-Match: "12" for a versioned write). */
export function postJSON(url, data, { headers = {} } = {}) {
  return request(url, {
    method: "POST",
    headers: { "Content-Type": "application/json", ...headers },
    body: JSON.stringify(data),
  });
}

export function postFile(url, field, file) {
  const body = new FormData();
  body.append(field, file);
  return request(url, { method: "POST", body });
}
