// The routing tools (/staff/routing/), for the category chosen on the page:
// - simulate a point: click the map (or give coordinates, or use the map's centre) and see the
//   district, the rule, the unit and why, from the public GET /api/routing/ (nothing is saved);
// - coverage: every district coloured by the unit that takes the category's reports there, from
//   GET /api/staff/coverage/, with a legend and a table that say the same in words.
import L from "leaflet";
import { getJSON, ApiError } from "../lib/api.js";
import { h, replaceChildren } from "../lib/dom.js";
import { format, t, tn } from "../lib/i18n.js";
import { createMap, addDistricts } from "../map/base.js";
import { pinIcon } from "../map/pins.js";

// Distinct fills for the units (in the order of their codes), each drawn half-transparent over
// the land; the table and the legend name the unit, so the colour is never the only clue.
const PALETTE = [
  "#0072b2", "#e69f00", "#009e73", "#cc79a7", "#56b4e9", "#d55e00",
  "#7f3c8d", "#f0e442", "#3969ac", "#11a579", "#e73f74", "#80ba5a",
];

class RoutingPage {
  constructor() {
    this.options = JSON.parse(document.getElementById("routing-options").textContent);
    this.categories = new Map(this.options.categories.map((c) => [c.code, c]));
    this.select = document.getElementById("routing-category");
    this.form = document.getElementById("simulate-form");
    this.error = document.getElementById("simulate-error");
    this.result = document.getElementById("simulation");
    this.coverageStatus = document.getElementById("coverage-status");
    const element = document.getElementById("map");
    this.sprite = element.dataset.icons;
    this.map = createMap(element);
    element.setAttribute("role", "region");
    element.setAttribute("aria-label", t("Map of the districts coloured by unit. Click to simulate a report there. The table of the districts says the same in words."));
    addDistricts(this.map, { fit: true, labelsFrom: 13 }).catch(() => {});
    this.coverageLayer = null;
    this.coverage = null; // the last coverage collection, by district slug
    this.pin = null;
    this.point = null;
    this.controller = null;

    this.select.value = this.options.category;
    this.select.addEventListener("change", () => this.changeCategory());
    this.map.on("click", (event) => this.simulate(event.latlng.lng, event.latlng.lat));
    this.form.addEventListener("submit", (event) => {
      event.preventDefault();
      this.simulateTyped();
    });
    document.querySelector("[data-action=centre]").addEventListener("click", () => {
      const centre = this.map.getCenter();
      this.simulate(centre.lng, centre.lat);
    });
    this.loadCoverage();
  }

  get category() {
    return this.categories.get(this.select.value);
  }

  changeCategory() {
    const url = new URL(window.location.href);
    url.searchParams.set("category", this.select.value);
    window.history.replaceState(null, "", url);
    this.loadCoverage().then(() => {
      if (this.point) this.simulate(this.point.lon, this.point.lat, { focus: false });
    });
  }

  simulateTyped() {
    const lon = parseNumber(this.form.elements.lon.value);
    const lat = parseNumber(this.form.elements.lat.value);
    if (lon === null || lat === null) {
      this.error.textContent = t("Give the latitude and longitude as numbers, e.g. 54.3485 and 18.6532.");
      return;
    }
    this.simulate(lon, lat, { pan: true });
  }

  async simulate(lon, lat, { focus = true, pan = false } = {}) {
    this.error.textContent = "";
    this.point = { lon, lat };
    this.form.elements.lon.value = lon.toFixed(6);
    this.form.elements.lat.value = lat.toFixed(6);
    const category = this.category;
    if (this.pin) this.pin.remove();
    this.pin = L.marker([lat, lon], {
      icon: pinIcon(this.sprite, { icon: category.icon, group: category.group }),
      keyboard: false,
      interactive: false,
    }).addTo(this.map);
    if (pan) this.map.panTo([lat, lon]);
    if (this.controller) this.controller.abort();
    this.controller = new AbortController();
    let answer;
    try {
      answer = await getJSON("/api/routing/", { lon: lon.toFixed(7), lat: lat.toFixed(7), category: category.code },
        { signal: this.controller.signal });
    } catch (failure) {
      if (failure.name === "AbortError") return;
      this.result.hidden = true;
      this.error.textContent = failure instanceof ApiError
        ? [...failure.messages("location"), ...failure.messages("category"), ...failure.messages("detail")].join(" ")
          || t("This point could not be routed.")
        : t("This point could not be routed.");
      return;
    }
    this.showDecision(answer);
    if (focus) this.result.focus({ preventScroll: false });
  }

  showDecision(answer) {
    const slot = (name) => this.result.querySelector(`[data-result=${name}]`);
    const district = answer.district.name + (answer.routing.border_with.length
      ? ` (${format(t("on the border with %(others)s"), { others: answer.routing.border_with.join(", ") })})`
      : "");
    replaceChildren(slot("district"), district);
    replaceChildren(slot("unit"), answer.unit.name);
    replaceChildren(slot("rule"), this.ruleText(answer));
    replaceChildren(slot("explanation"), answer.routing.explanation);
    this.result.hidden = false;
  }

  /** The rule that decided, from the coverage of the district (same statement, same answer). */
  ruleText(answer) {
    const reason = this.options.reasons[answer.routing.reason] || answer.routing.reason;
    const feature = this.coverage && this.coverage.get(answer.district.slug);
    const rule = feature && feature.properties.rule;
    if (!rule) return format(t("none: %(reason)s"), { reason });
    const label = format(t("rule no. %(id)s"), { id: rule.id });
    const text = rule.note ? `${reason}: ${label} (${rule.note})` : `${reason}: ${label}`;
    if (!this.options.rule_url) return text;
    return h("a", { href: this.options.rule_url.replace("{id}", String(rule.id)) }, text);
  }

  async loadCoverage() {
    const category = this.category;
    this.coverageStatus.textContent = t("Loading the coverage…");
    let collection;
    try {
      collection = await getJSON("/api/staff/coverage/", { category: category.code });
    } catch (failure) {
      this.coverageStatus.textContent = t("The coverage could not be loaded.");
      return;
    }
    if (collection.category.code !== this.select.value) return; // the choice changed meanwhile
    this.coverage = new Map(collection.features.map((f) => [f.id, f]));
    const colours = unitColours(collection.features, this.options.units);
    if (this.coverageLayer) this.coverageLayer.remove();
    this.coverageLayer = L.geoJSON(collection, {
      interactive: false,
      style: (feature) => ({
        color: "#1b1f24", weight: 1, opacity: 0.7,
        fillColor: colours.get(feature.properties.unit.code), fillOpacity: 0.5,
      }),
    }).addTo(this.map);
    this.showLegend(collection.features, colours);
    this.showTable(collection.features, colours);
    const units = colours.size;
    this.coverageStatus.textContent = format(
      tn("%(category)s: %(count)s unit covers the city's districts.", "%(category)s: %(count)s units cover the city's districts.", units),
      { category: collection.category.name, count: units });
  }

  showLegend(features, colours) {
    const counts = new Map();
    const names = new Map();
    for (const f of features) {
      counts.set(f.properties.unit.code, (counts.get(f.properties.unit.code) || 0) + 1);
      names.set(f.properties.unit.code, f.properties.unit.name);
    }
    replaceChildren(document.getElementById("coverage-legend"), [...colours.keys()].map((code) =>
      h("li", {}, swatch(colours.get(code)), names.get(code), " ",
        h("span", { class: "legend-count" },
          format(tn("(%(count)s district)", "(%(count)s districts)", counts.get(code)), { count: counts.get(code) })))));
  }

  showTable(features, colours) {
    replaceChildren(document.getElementById("coverage-rows"), features.map((f) => {
      const p = f.properties;
      return h("tr", { dataset: { district: p.district.slug } },
        h("th", { scope: "row" }, p.district.name),
        h("td", {}, swatch(colours.get(p.unit.code)), p.unit.name),
        h("td", {}, whyText(p)));
    }));
  }
}

/** The colour of each unit in `features`: by its place among all units, so that a unit keeps
 * its colour from one category to the next. */
function unitColours(features, allUnits) {
  const codes = [...new Set(features.map((f) => f.properties.unit.code))].sort();
  return new Map(codes.map((code) => {
    const index = allUnits.indexOf(code);
    return [code, PALETTE[(index < 0 ? allUnits.length : index) % PALETTE.length]];
  }));
}

function swatch(colour) {
  return h("span", { class: "swatch", style: `background:${colour}`, "aria-hidden": "true" });
}

/** "category default; the office of Straż Miejska for this district", "district rule (note)". */
function whyText(p) {
  const parts = [p.reason_label];
  if (p.rule && p.rule.note) parts[0] += ` (${p.rule.note})`;
  if (p.office_of) parts.push(format(t("the office of %(unit)s for this district"), { unit: p.office_of }));
  return parts.join("; ");
}

function parseNumber(text) {
  const value = Number(String(text).trim().replace(",", "."));
  return text.trim() !== "" && Number.isFinite(value) ? value : null;
}

window.mapa = { routing: new RoutingPage() };
window.mapa.map = window.mapa.routing.map; // for the browser tests and the curious
