// The dispatcher's map and list (/staff/): filters, a map and a table of the same cases, all
// fed by GET /api/staff/reports/. Every change of a filter, the sort or the page is written to
// the URL (history.replaceState), and opening that URL restores it.
import { getJSON } from "../lib/api.js";
import { debounce } from "../lib/dom.js";
import { t, tn, format } from "../lib/i18n.js";
import { CaseMap } from "./case-map.js";
import { CaseTable } from "./case-table.js";
import { hotspotLayer } from "./hotspot-layer.js";
import { ERROR_SLOTS, apiParams, readState, writeState } from "./filter-state.js";

const LIMIT = 1000; // the API's largest page; "Load more cases" follows its next link

class Dispatcher {
  constructor() {
    this.form = document.getElementById("case-filters");
    this.options = JSON.parse(document.getElementById("staff-options").textContent);
    this.total = document.getElementById("case-total");
    this.drawStatus = document.getElementById("draw-status");
    this.loadMore = document.querySelector("[data-action=load-more]");
    this.state = readState(window.location.search);
    this.features = [];
    this.next = null;
    this.controller = null;

    const groups = new Map(this.options.categories.map((c) => [c.value, c.group]));
    const restoresView = Boolean(this.state.bbox || this.state.polygon);
    this.map = new CaseMap(document.getElementById("map"), { groups, fitCity: !restoresView });
    this.table = new CaseTable({
      table: document.querySelector(".case-table"),
      pager: document.querySelector(".pager"),
      priorities: new Map(this.options.priorities.map((p) => [p.value, p.label])),
      onChange: ({ sort, dir, page }) => {
        Object.assign(this.state, { sort, dir, page });
        this.remember();
      },
    });

    this.fill();
    this.listen();
    if (this.state.polygon) this.map.showArea(this.state.polygon, { fit: !this.state.bbox });
    if (this.state.bbox) {
      this.map.fitBbox(this.state.bbox);
      this.state.bbox = this.map.bbox(); // what the map really shows at this size
      this.remember();
    }
    this.load();
    this.showHotspots();
  }

  /** Hotspots (clusters of reports now) are flagged on the map and named above the list. */
  async showHotspots() {
    const note = document.getElementById("hotspot-note");
    if (!note) return; // a role without the tools (an integration account)
    let collection;
    try {
      collection = await getJSON("/api/staff/hotspots/");
    } catch {
      return; // the cases are what matters here; the hotspots page says what went wrong
    }
    const count = collection.features.length;
    if (!count) return;
    hotspotLayer(collection).addTo(this.map.map);
    note.querySelector("a").textContent = format(
      tn("%(count)s hotspot now: see it", "%(count)s hotspots now: see them", count),
      { count },
    );
    note.hidden = false;
  }

  /** Put the state into the form's fields. */
  fill() {
    const s = this.state;
    const f = this.form.elements;
    for (const name of ["q", "category", "unit", "channel", "from", "to"]) f[name].value = s[name];
    f.overdue.checked = s.overdue;
    f.held.checked = s.held;
    for (const box of this.form.querySelectorAll("input[name=status]")) box.checked = s.status.includes(box.value);
    for (const chip of this.form.querySelectorAll("[data-district]")) {
      chip.setAttribute("aria-pressed", String(s.district.includes(chip.dataset.district)));
    }
    document.getElementById("filter-in-view").checked = Boolean(s.bbox);
    this.form.querySelector("[data-action=clear-area]").hidden = !s.polygon;
  }

  listen() {
    const f = this.form.elements;
    this.form.addEventListener("submit", (event) => {
      event.preventDefault();
      this.changed();
    });
    f.q.addEventListener("input", debounce(() => this.changed(), 400));
    for (const name of ["category", "unit", "channel", "from", "to", "overdue", "held"]) {
      f[name].addEventListener("change", () => this.changed());
    }
    for (const box of this.form.querySelectorAll("input[name=status]")) box.addEventListener("change", () => this.changed());
    for (const chip of this.form.querySelectorAll("[data-district]")) {
      chip.addEventListener("click", () => {
        chip.setAttribute("aria-pressed", String(chip.getAttribute("aria-pressed") !== "true"));
        this.changed();
      });
    }
    document.getElementById("filter-in-view").addEventListener("change", (event) => {
      this.state.bbox = event.target.checked ? this.map.bbox() : "";
      this.changed();
    });
    this.map.addEventListener("view", (event) => {
      if (!this.state.bbox || event.detail === this.state.bbox) return;
      this.state.bbox = event.detail;
      this.changed();
    });

    for (const button of this.form.querySelectorAll("[data-draw]")) {
      button.addEventListener("click", () => this.map.draw(button.dataset.draw));
    }
    this.map.addEventListener("drawing", (event) => this.drawing(event.detail));
    this.map.addEventListener("area", (event) => {
      this.state.polygon = event.detail;
      this.form.querySelector("[data-action=clear-area]").hidden = false;
      this.say(t("Area drawn: the list shows the cases inside it."));
      this.changed();
    });
    this.form.querySelector("[data-action=clear-area]").addEventListener("click", (event) => {
      this.state.polygon = "";
      this.map.showArea("");
      event.target.hidden = true;
      this.say(t("The drawn area is removed."));
      f.q.focus();
      this.changed();
    });
    document.addEventListener("keydown", (event) => {
      if (event.key === "Escape") this.map.stopDrawing();
    });
    this.loadMore.addEventListener("click", () => this.more());
  }

  drawing(shape) {
    for (const button of this.form.querySelectorAll("[data-draw]")) {
      button.setAttribute("aria-pressed", String(button.dataset.draw === shape));
    }
    if (shape === "Rectangle") this.say(t("Click one corner of the area on the map, then the opposite corner. Escape cancels."));
    else if (shape === "Polygon") this.say(t("Click the map at each corner of the area; click the first corner again to finish. Escape cancels."));
    else if (!this.state.polygon) this.say("");
  }

  say(text) {
    this.drawStatus.textContent = text;
  }

  /** Read the form into the state, remember it in the URL and load the cases again. */
  changed() {
    const s = this.state;
    const f = this.form.elements;
    for (const name of ["q", "category", "unit", "channel", "from", "to"]) s[name] = f[name].value.trim();
    s.overdue = f.overdue.checked;
    s.held = f.held.checked;
    s.status = [...this.form.querySelectorAll("input[name=status]:checked")].map((box) => box.value);
    s.district = [...this.form.querySelectorAll("[data-district][aria-pressed=true]")].map((chip) => chip.dataset.district);
    if (!document.getElementById("filter-in-view").checked) s.bbox = "";
    s.page = 1;
    this.remember();
    this.load();
  }

  remember() {
    const url = `${window.location.pathname}${writeState(this.state)}`;
    window.history.replaceState(null, "", url);
  }

  async load() {
    if (this.controller) this.controller.abort();
    this.controller = new AbortController();
    this.clearErrors();
    this.map.filter(apiParams(this.state)); // the map's tiles load beside the list
    this.total.textContent = t("Loading the cases…");
    document.querySelector(".case-table").setAttribute("aria-busy", "true");
    let collection;
    try {
      collection = await getJSON("/api/staff/reports/", { ...apiParams(this.state), limit: LIMIT }, { signal: this.controller.signal });
    } catch (error) {
      if (error.name === "AbortError") return;
      this.failed(error);
      return;
    }
    this.features = collection.features;
    this.matched = collection.numberMatched;
    this.next = collection.next;
    this.showCounts(collection.counts);
    this.render({ page: this.state.page });
  }

  async more() {
    if (!this.next) return;
    this.loadMore.setAttribute("aria-disabled", "true");
    try {
      const collection = await getJSON(this.next);
      this.features = this.features.concat(collection.features);
      this.next = collection.next;
      this.render({ page: this.table.page });
    } catch (error) {
      this.failed(error);
    } finally {
      this.loadMore.removeAttribute("aria-disabled");
    }
  }

  render({ page }) {
    const { sort, dir } = this.state;
    this.table.show(this.features, { sort, dir, page });
    const count = this.matched;
    let text = format(tn("%(count)s case matches", "%(count)s cases match", count), { count });
    if (this.features.length < count) {
      text += ` ${format(t("(the newest %(shown)s are shown)"), { shown: this.features.length })}`;
    }
    this.total.textContent = text;
    this.loadMore.hidden = !this.next;
  }

  showCounts(counts) {
    for (const slot of this.form.querySelectorAll("[data-count]")) {
      const count = counts[slot.dataset.count] || 0;
      slot.textContent = `(${count})`;
    }
  }

  failed(error) {
    this.total.textContent = "";
    if (error.status === 400 && error.body) {
      for (const [field, messages] of Object.entries(error.body)) {
        const slot = document.getElementById(ERROR_SLOTS[field] || "filter-form-error");
        slot.textContent = [].concat(messages).join(" ");
      }
      this.total.textContent = t("Some filters need correcting.");
      return;
    }
    document.getElementById("filter-form-error").textContent = t("The cases could not be loaded. Please try again.");
  }

  clearErrors() {
    for (const slot of this.form.querySelectorAll(".field-error")) slot.textContent = "";
  }
}

window.mapa = { dispatcher: new Dispatcher() };
window.mapa.map = window.mapa.dispatcher.map.map; // for the browser tests and the curious
