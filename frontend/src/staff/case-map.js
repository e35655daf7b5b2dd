// The dispatcher's map: the cases from the server's tiles (clusters with exact counts, pins
// where few: the residents' map's mechanism, with the filters), an area drawn with Leaflet-Geoman
// (a rectangle or a polygon, which becomes the `polygon` filter), and "only what the map shows"
// (the `bbox` filter). A pin opens its case; the table beside the map lists the same cases.
import L from "leaflet";
// Geoman extends the global L that Leaflet's own bundle sets, so it comes after Leaflet.
import "@geoman-io/leaflet-geoman-free";
import "@geoman-io/leaflet-geoman-free/dist/leaflet-geoman.css";
import { createMap, addDistricts } from "../map/base.js";
import { pinIcon } from "../map/pins.js";
import { ReportTiles, pressable } from "../map/tiles.js";
import { debounce } from "../lib/dom.js";
import { t, tn, format } from "../lib/i18n.js";

const AREA_STYLE = { color: "#0b57d0", weight: 3, fillColor: "#0b57d0", fillOpacity: 0.08 };
const DECIMALS = 6; // about 10 cm: plenty for an area, and a short URL

export class CaseMap extends EventTarget {
  /**
   * Events: "area" (detail: GeoJSON geometry text or ""), "view" (detail: bbox text), both
   * from what the user did; restoring a state from the URL fires neither.
   */
  constructor(element, { groups, fitCity = true }) {
    super();
    this.element = element;
    this.sprite = element.dataset.icons;
    this.groups = groups; // category code → group, for the pins' colours
    this.map = createMap(element);
    element.setAttribute("role", "region");
    element.setAttribute("aria-label", t("Map of the cases. The list of the cases beside it shows the same cases."));
    this.status = document.getElementById("map-status");
    this.filters = null; // the staff API's parameters; null until the page says which
    this.tiles = new ReportTiles(this.map, {
      tileUrl: "/api/staff/reports/map",
      params: () => this.filters,
      point: (feature) => this.marker(feature),
      clusterLabel: (count) => format(tn("%(count)s case here; Enter zooms in", "%(count)s cases here; Enter zooms in", count), { count }),
      onCount: (count) => this.say(format(tn("%(count)s of them in the map's view", "%(count)s of them in the map's view", count), { count })),
      onError: () => this.say(t("The map could not load the cases. Move it to try again.")),
    });
    this.area = null;
    this.districts = addDistricts(this.map, { fit: fitCity, labelsFrom: 14 }).catch(() => null);
    this.setUpDrawing();
    this.map.on("moveend", debounce(() => this.dispatchEvent(new CustomEvent("view", { detail: this.bbox() })), 300));
  }

  /** "minlon,minlat,maxlon,maxlat" of what the map shows. */
  bbox() {
    const b = this.map.getBounds();
    return [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()].map((v) => v.toFixed(5)).join(",");
  }

  fitBbox(text) {
    const [w, s, e, n] = text.split(",").map(Number);
    if ([w, s, e, n].every(Number.isFinite)) this.map.fitBounds([[s, w], [n, e]], { animate: false });
  }

  setUpDrawing() {
    const pm = this.map.pm;
    pm.setLang(document.documentElement.lang === "pl" ? "pl" : "en");
    pm.setGlobalOptions({ pathOptions: AREA_STYLE, allowSelfIntersection: false, snappable: false });
    this.map.on("pm:create", (event) => {
      const geometry = event.layer.toGeoJSON(DECIMALS).geometry;
      this.showArea(event.layer);
      this.dispatchEvent(new CustomEvent("area", { detail: JSON.stringify(geometry) }));
    });
    this.map.on("pm:drawstart", ({ shape }) => this.dispatchEvent(new CustomEvent("drawing", { detail: shape })));
    new MutationObserver(() => this.quietDrawingMarkers()).observe(this.element, { childList: true, subtree: true });
    this.map.on("pm:drawend", () => this.dispatchEvent(new CustomEvent("drawing", { detail: "" })));
  }

  /**
   * Geoman's corner markers follow the mouse while an area is drawn: they are not controls a
   * keyboard or a screen reader can use (the district chips and "only what the map shows"
   * are), so they leave the tab order and the accessibility tree.
   */
  quietDrawingMarkers() {
    for (const marker of this.element.querySelectorAll(".leaflet-marker-icon.marker-icon:not([aria-hidden])")) {
      marker.removeAttribute("role");
      marker.setAttribute("tabindex", "-1");
      marker.setAttribute("aria-hidden", "true");
    }
  }

  draw(shape) {
    if (this.map.pm.globalDrawModeEnabled() && this.map.pm.Draw.getActiveShape() === shape) {
      this.map.pm.disableDraw();
      return;
    }
    this.map.pm.enableDraw(shape, { continueDrawing: false });
  }

  stopDrawing() {
    this.map.pm.disableDraw();
  }

  /** Show an area (a drawn layer, or a GeoJSON text from the URL); "" removes it. */
  showArea(area, { fit = false } = {}) {
    if (this.area) this.area.remove();
    this.area = null;
    if (!area) return;
    if (typeof area === "string") {
      try {
        this.area = L.geoJSON(JSON.parse(area), { style: AREA_STYLE, interactive: false, pmIgnore: true });
      } catch {
        return; // the API names what is wrong with it
      }
    } else {
      this.area = area;
      area.options.interactive = false;
    }
    this.area.addTo(this.map);
    if (fit) this.map.fitBounds(this.area.getBounds(), { padding: [24, 24], animate: false });
  }

  /** Show the cases matching these filters (the staff API's parameters, without bbox). */
  filter(params) {
    const { bbox, ...rest } = params;
    const changed = JSON.stringify(rest) !== JSON.stringify(this.filters);
    this.filters = rest;
    if (changed) this.tiles.refresh();
  }

  say(text) {
    if (this.status) this.status.textContent = text;
  }

  marker(feature) {
    const p = feature.properties;
    const [lon, lat] = feature.geometry.coordinates;
    const label = `${p.reference}: ${p.category.name}, ${p.status_label}`;
    const marker = L.marker([lat, lon], {
      icon: pinIcon(this.sprite, { icon: p.category.icon, group: this.groups.get(p.category.code) }),
      title: label,
      alt: label,
      riseOnHover: true,
    });
    marker.on("click", () => window.location.assign(p.staff_url));
    marker.on("add", () => {
      const element = marker.getElement();
      if (!element) return;
      element.setAttribute("role", "link");
      element.setAttribute("aria-label", label);
      element.dataset.reference = p.reference;
    });
    return pressable(marker);
  }
}
