// Open reports on the map, from the server's tiles: clusters with exact counts where reports
// are many, pins with popups where they are few, and the exact number in view said aloud.
import L from "leaflet";
import { h, icon, withReference } from "../lib/dom.js";
import { t, tn, format, age } from "../lib/i18n.js";
import { pinIcon } from "./pins.js";
import { ReportTiles, pressable } from "./tiles.js";

export class ReportLayer {
  /**
   * @param map        the Leaflet map
   * @param sprite     URL of the icon sprite
   * @param categories code → {name, icon, group}, for colours
   * @param status     an aria-live element that says how many reports are in view
   */
  constructor(map, { sprite, categories, status }) {
    this.map = map;
    this.sprite = sprite;
    this.categories = categories;
    this.status = status;
    this.markers = new Map(); // reference → marker, of the pins drawn so far
    this.filed = L.layerGroup().addTo(map); // reports filed on this page, always shown
    this.filedReferences = new Set();
    this.lastCount = null;
    this.tiles = new ReportTiles(map, {
      tileUrl: "/api/reports/map",
      point: (feature) => (this.filedReferences.has(feature.properties.reference) ? null : this.marker(feature)),
      clusterLabel: (count) => format(tn("%(count)s report here; Enter zooms in", "%(count)s reports here; Enter zooms in", count), { count }),
      onCount: (count) => this.counted(count),
      onError: () => this.say(t("The reports could not be loaded. Move the map to try again.")),
    });
  }

  /** Show the open reports in view (tiles already loaded are reused). */
  load() {
    return this.tiles.show();
  }

  counted(count) {
    if (count === this.lastCount) return;
    this.lastCount = count;
    this.say(format(tn("%(count)s open report in this area", "%(count)s open reports in this area", count), { count }));
  }

  say(text) {
    if (this.status) this.status.textContent = text;
  }

  /** A marker for one report Feature (not yet on the map). */
  marker(feature, { isNew = false } = {}) {
    const p = feature.properties;
    const [lon, lat] = feature.geometry.coordinates;
    const known = this.categories.get(p.category.code) || {};
    const marker = L.marker([lat, lon], {
      icon: pinIcon(this.sprite, { icon: p.category.icon || known.icon, group: known.group }, { isNew }),
      title: `${p.category.name} (${p.reference})`,
      alt: p.category.name,
      riseOnHover: true,
    });
    marker.bindPopup(() => popup(feature, this.sprite, known.group), { maxWidth: 300, minWidth: 220 });
    marker.on("add", () => labelMarker(marker, `${p.category.name}, ${p.status_label}: ${p.reference}`));
    this.markers.set(p.reference, marker);
    return pressable(marker);
  }

  /** Put a report just filed on the map, show it and open its popup; the counts follow. */
  addFiled(feature) {
    this.filedReferences.add(feature.properties.reference);
    const marker = this.marker(feature, { isNew: true });
    this.filed.addLayer(marker);
    // Close enough to see the pin among its neighbours, far enough to see the district around.
    this.map.setView(marker.getLatLng(), 15, { animate: false });
    marker.openPopup();
    this.tiles.refresh(); // the server has counted it already: ask again (ETags spare the rest)
    return marker;
  }
}

function labelMarker(marker, label) {
  const element = marker.getElement();
  if (!element) return;
  element.setAttribute("aria-label", label);
  element.setAttribute("role", "button");
}

/** A report's popup, built as DOM nodes: descriptions are user text and stay text. */
export function popup(feature, sprite, group) {
  const p = feature.properties;
  return h("div", { class: "popup" },
    h("div", { class: "popup-head" },
      h("span", { class: `category-icon cat-${(group || "other").replace(/[^a-z-]/g, "")}` }, icon(sprite, p.category.icon)),
      h("p", { class: "popup-category" }, p.category.name),
    ),
    p.thumbnail_url ? h("img", { src: p.thumbnail_url, alt: "", class: "popup-photo", width: 240, loading: "lazy" }) : null,
    h("p", { class: "popup-desc" }, p.description),
    p.address ? h("p", { class: "popup-meta" }, p.address) : null,
    h("p", { class: "popup-meta" },
      h("span", { class: `status status--${p.status}` }, p.status_label),
      h("span", {}, format(t("reported %(age)s"), { age: age(p.created_at) })),
    ),
    h("a", { class: "popup-link", href: p.url },
      withReference(format(t("Open report %(reference)s"), { reference: p.reference }), p.reference)),
  );
}
