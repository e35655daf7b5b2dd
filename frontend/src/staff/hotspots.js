// The hotspots page (/staff/hotspots/): the hotspots among the cases the user may see, on a map
// and in a list, from GET /api/staff/hotspots/. A hotspot's cases can be merged into one of them
// (POST /api/staff/hotspots/merge/) after a confirmation on the page itself.
import { getJSON, postJSON, ApiError } from "../lib/api.js";
import { h, replaceChildren } from "../lib/dom.js";
import { format, language, t, tn } from "../lib/i18n.js";
import { createMap, addDistricts } from "../map/base.js";
import { hotspotLayer, hotspotName, radiusText } from "./hotspot-layer.js";

const API = "/api/staff/hotspots/";
const MERGE_API = "/api/staff/hotspots/merge/";
const ZONE = "Europe/Warsaw"; // staff pages show Gdańsk's time, wherever the browser is

class HotspotsPage {
  constructor() {
    this.options = JSON.parse(document.getElementById("hotspot-options").textContent);
    this.list = document.getElementById("hotspot-list");
    this.status = document.getElementById("hotspot-status");
    this.result = document.getElementById("merge-result");
    const element = document.getElementById("map");
    this.map = createMap(element);
    element.setAttribute("role", "region");
    element.setAttribute("aria-label", t("Map of the hotspots. The list beside it shows the same hotspots in words."));
    addDistricts(this.map, { fit: true, labelsFrom: 14 }).catch(() => {});
    this.layer = null;
    document.querySelector("[data-action=refresh]").addEventListener("click", () => this.load());
    this.load();
  }

  async load() {
    this.status.textContent = t("Loading the hotspots…");
    this.list.setAttribute("aria-busy", "true");
    let collection;
    try {
      collection = await getJSON(API);
    } catch (error) {
      this.status.textContent = t("The hotspots could not be loaded. Try again with Refresh.");
      this.list.removeAttribute("aria-busy");
      return;
    }
    this.show(collection);
  }

  show(collection) {
    const features = collection.features;
    this.status.textContent = features.length
      ? format(tn("%(count)s hotspot now.", "%(count)s hotspots now.", features.length), { count: features.length })
      : t("No hotspots now: no category has enough open reports close together.");
    if (this.layer) this.layer.remove();
    this.layer = hotspotLayer(collection, { onSelect: (feature) => this.focusItem(feature) }).addTo(this.map);
    replaceChildren(this.list, features.map((feature, index) => this.item(feature, index)));
    this.list.removeAttribute("aria-busy");
    this.list.dataset.loaded = "true";
  }

  /** Move to a hotspot's entry in the list (from the map). */
  focusItem(feature) {
    const heading = document.getElementById(`${this.itemId(feature)}-title`);
    if (heading) {
      heading.scrollIntoView({ block: "start", behavior: "smooth" });
      heading.focus({ preventScroll: true });
    }
  }

  itemId(feature) {
    return `hotspot-${feature.id.replace(/[^A-Za-z0-9-]/g, "-")}`;
  }

  item(feature, index) {
    const p = feature.properties;
    const id = this.itemId(feature);
    const districts = p.districts.map((d) => d.name).join(", ") || t("no district");
    const units = (p.units || []).map((u) => u.name).join(", ");
    const showOnMap = () => {
      const area = this.layer && this.layer.areas.get(feature.id);
      if (area) this.map.fitBounds(area.getBounds(), { maxZoom: 17, padding: [40, 40] });
      document.getElementById("map").focus({ preventScroll: true });
    };
    return h(
      "li",
      { class: `hotspot cat-${p.category.group || "other"}`, id },
      h("h2", { id: `${id}-title`, class: "hotspot-title", tabindex: "-1" },
        h("span", { class: "hotspot-number", "aria-hidden": "true" }, String(p.count)),
        " ", hotspotName(p)),
      h("dl", { class: "tool-facts" },
        fact(t("District"), districts),
        fact(t("Reported"), timeSpan(p.first_at, p.last_at)),
        fact(t("Area"), radiusText(p.radius_m)),
        units ? fact(t("Units"), units) : null),
      h("p", { class: "tool-actions" },
        h("button", { type: "button", class: "button button--secondary button--small", onclick: showOnMap },
          t("Show on the map"))),
      this.casesTable(feature, id),
      this.options.can_merge ? this.mergeForm(feature, id) : null,
    );
  }

  casesTable(feature, id) {
    const rows = feature.properties.reports.map((r) =>
      h("tr", {},
        h("th", { scope: "row" }, h("a", { href: r.url }, r.reference)),
        h("td", {}, h("span", { class: `status status--${r.status}` }, r.status_label)),
        h("td", {}, h("time", { datetime: r.created_at }, dateTime(r.created_at))),
        h("td", {}, [r.address, r.description].filter(Boolean).join(" — "))),
    );
    return h("div", { class: "tool-table-wrap" },
      h("table", { class: "tool-table" },
        h("caption", { class: "visually-hidden" }, format(t("The cases of hotspot %(name)s"), { name: hotspotName(feature.properties) })),
        h("thead", {}, h("tr", {},
          h("th", { scope: "col" }, t("Reference")),
          h("th", { scope: "col" }, t("Status")),
          h("th", { scope: "col" }, t("Registered")),
          h("th", { scope: "col" }, t("Place and description")))),
        h("tbody", {}, rows)));
  }

  mergeForm(feature, id) {
    const p = feature.properties;
    const select = h("select", { id: `${id}-into`, name: "into", "aria-describedby": `${id}-merge-help` },
      p.reports.map((r) => h("option", { value: r.reference, selected: r.reference === p.suggested },
        `${r.reference} · ${r.status_label} · ${dateTime(r.created_at)}`)));
    const error = h("p", { class: "form-error", role: "alert", id: `${id}-merge-error` });
    const question = h("p", { class: "merge-question", id: `${id}-merge-question` });
    const yes = h("button", { type: "button", class: "button button--primary button--small" }, t("Yes, merge"));
    const no = h("button", { type: "button", class: "button button--secondary button--small" }, t("Cancel"));
    const confirm = h("div", { class: "merge-confirm", role: "group", "aria-labelledby": `${id}-merge-question`, hidden: true },
      question, h("p", { class: "tool-actions" }, yes, " ", no));
    const ask = h("button", { type: "submit", class: "button button--primary button--small" }, t("Merge…"));
    const form = h("form", { class: "merge-form", novalidate: true, "aria-labelledby": `${id}-merge-heading` },
      h("h3", { id: `${id}-merge-heading` }, t("Merge into one case")),
      h("div", { class: "field" },
        h("label", { for: `${id}-into` }, t("The case that stays")),
        h("p", { class: "help", id: `${id}-merge-help` },
          format(tn(
            "The other %(count)s case becomes its duplicate: its followers and photos move to the case that stays.",
            "The other %(count)s cases become its duplicates: their followers and photos move to the case that stays.",
            p.count - 1), { count: p.count - 1 })),
        select),
      h("p", { class: "tool-actions" }, ask),
      confirm,
      error);

    form.addEventListener("submit", (event) => {
      event.preventDefault();
      error.textContent = "";
      question.textContent = format(tn(
        "Merge %(count)s case into %(into)s? It will be closed as a duplicate.",
        "Merge %(count)s cases into %(into)s? They will be closed as duplicates.",
        p.count - 1), { count: p.count - 1, into: select.value });
      confirm.hidden = false;
      ask.hidden = true;
      yes.focus();
    });
    const close = () => {
      confirm.hidden = true;
      ask.hidden = false;
      ask.focus();
    };
    no.addEventListener("click", close);
    confirm.addEventListener("keydown", (event) => { if (event.key === "Escape") close(); });
    yes.addEventListener("click", async () => {
      yes.disabled = true;
      no.disabled = true;
      try {
        const survivor = await postJSON(MERGE_API, { references: p.references, into: select.value });
        this.merged(survivor, p.count - 1);
      } catch (failure) {
        error.textContent = messageOf(failure);
        yes.disabled = false;
        no.disabled = false;
        close();
      }
    });
    return form;
  }

  async merged(survivor, count) {
    const reference = survivor.properties.reference;
    const text = document.getElementById("merge-result-text");
    replaceChildren(text,
      format(tn("%(count)s case merged into", "%(count)s cases merged into", count), { count }), " ",
      h("a", { href: survivor.properties.staff_url || `/staff/r/${reference}/` }, reference), ".");
    this.result.hidden = false;
    this.result.focus();
    await this.load();
  }
}

function dateTimeFormat() {
  return new Intl.DateTimeFormat(language(), { dateStyle: "medium", timeStyle: "short", timeZone: ZONE });
}

/** "30 Nov 2026, 05:17", in the page's language. */
function dateTime(iso) {
  return dateTimeFormat().format(new Date(iso));
}

/** "30 Nov 2026, 05:17–07:40": from the first report to the last. */
function timeSpan(first, last) {
  const formatter = dateTimeFormat();
  if (typeof formatter.formatRange === "function") return formatter.formatRange(new Date(first), new Date(last));
  return format(t("%(first)s to %(last)s"), { first: dateTime(first), last: dateTime(last) });
}

function fact(term, value) {
  return h("div", {}, h("dt", {}, term), h("dd", {}, value));
}

/** What went wrong, in the page's language: the API's messages, or a generic one. */
function messageOf(failure) {
  if (failure instanceof ApiError) {
    const messages = ["references", "into", "detail"].flatMap((field) => failure.messages(field));
    if (messages.length) return messages.join(" ");
  }
  return t("The cases could not be merged. Nothing was changed; try again.");
}

window.mapa = { hotspots: new HotspotsPage() };
window.mapa.map = window.mapa.hotspots.map; // for the browser tests and the curious
