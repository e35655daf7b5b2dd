// Open reports on the map: loaded by bounding box as the map moves, clustered, with popups.
import L from "leaflet";
import "leaflet.markercluster";
import { getJSON } from "../lib/api.js";
import { h, icon, debounce, withReference } from "../lib/dom.js";
import { t, tn, format, age } from "../lib/i18n.js";
import { pinIcon } from "./pins.js";

const LIMIT = 1000;

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
    this.markers = new Map(); // reference → marker
    this.controller = null;
    this.lastCount = null;
    this.cluster = L.markerClusterGroup({
      showCoverageOnHover: false,
      maxClusterRadius: 48,
      spiderfyOnMaxZoom: true,
      iconCreateFunction: (cluster) => clusterIcon(cluster.getChildCount()),
    }).addTo(map);
    this.cluster.on("clusteradd", () => this.labelClusters());
    map.on("moveend", debounce(() => this.load(), 250));
    this.cluster.on("animationend", () => this.labelClusters());
  }

  /** Load the open reports inside the map's view (with a margin), replacing the previous set. */
  async load() {
    if (this.controller) this.controller.abort();
    this.controller = new AbortController();
    const b = this.map.getBounds().pad(0.2);
    const bbox = [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()].map((v) => v.toFixed(5)).join(",");
    let collection;
    try {
      collection = await getJSON("/api/reports/", { bbox, status: "open", limit: LIMIT }, { signal: this.controller.signal });
    } catch (error) {
      if (error.name === "AbortError") return;
      this.say(t("The reports could not be loaded. Move the map to try again."));
      return;
    }
    const seen = new Set();
    const added = [];
    for (const feature of collection.features) {
      const reference = feature.properties.reference;
      seen.add(reference);
      if (!this.markers.has(reference)) added.push(this.marker(feature));
    }
    const removed = [];
    for (const [reference, marker] of this.markers) {
      if (!seen.has(reference) && !marker.options.keep) {
        removed.push(marker);
        this.markers.delete(reference);
      }
    }
    this.cluster.removeLayers(removed);
    this.cluster.addLayers(added);
    this.labelClusters();
    const count = collection.numberReturned;
    let text = format(tn("%(count)s open report in this area", "%(count)s open reports in this area", count), { count });
    if (collection.next) text += ` — ${t("zoom in to see them all")}`;
    if (count !== this.lastCount) this.say(text);
    this.lastCount = count;
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
      keep: isNew,
    });
    marker.bindPopup(() => popup(feature, this.sprite, known.group), { maxWidth: 300, minWidth: 220 });
    marker.on("add", () => labelMarker(marker, `${p.category.name}, ${p.status_label}: ${p.reference}`));
    this.markers.set(p.reference, marker);
    return marker;
  }

  /** Put a report just filed on the map, show it and open its popup. */
  addFiled(feature) {
    const existing = this.markers.get(feature.properties.reference);
    if (existing) this.cluster.removeLayer(existing);
    const marker = this.marker(feature, { isNew: true });
    this.cluster.addLayer(marker);
    // Close enough to see the pin among its neighbours, far enough to see the district around.
    this.map.setView(marker.getLatLng(), 15, { animate: false });
    this.cluster.zoomToShowLayer(marker, () => marker.openPopup());
    return marker;
  }

  /** Cluster icons are keyboard-reachable: give them a name, not just a number. */
  labelClusters() {
    for (const element of this.map.getContainer().querySelectorAll(".marker-cluster")) {
      const count = Number(element.textContent.trim()) || 0;
      const label = format(tn("%(count)s report here; Enter zooms in", "%(count)s reports here; Enter zooms in", count), { count });
      element.setAttribute("role", "button");
      element.setAttribute("aria-label", label);
      element.title = label;
    }
  }
}

function labelMarker(marker, label) {
  const element = marker.getElement();
  if (!element) return;
  element.setAttribute("aria-label", label);
  element.setAttribute("role", "button");
}

function clusterIcon(count) {
  const size = count < 10 ? 36 : count < 100 ? 44 : 54;
  const tone = count < 10 ? "small" : count < 100 ? "medium" : "large";
  return L.divIcon({
    html: `<span class="cluster cluster--${tone}">${Number(count)}</span>`,
    className: "marker-cluster",
    iconSize: L.point(size, size),
  });
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
