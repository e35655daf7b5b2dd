// Reports on a map from the server's tiles (GET …/map/<z>/<x>/<y>.geojson): clusters with
// exact counts where reports are many, points where they are few, and the exact number in
// view (GET …/map/count/?bbox=). The resident's map and the dispatcher's use this one layer.
//
// The tiles are asked for larger than shown (?size=1024 or 512): tile z-2/x/y or z-1/x/y cut
// on the grid of the shown zoom z, the clusters and points of the sixteen or four 256-px tiles
// it covers in one request, the same on screen. Up to zoom 14 (clusters, small answers) a view
// then takes at most four tiles and the count: one round of the browser's six connections.
// Closer in, where the answers are points, 512-px tiles fetch less beyond the view. The size
// follows from the zoom alone, so an area is still fetched once per zoom.
//
// Each tile is asked for once: what was loaded is kept (per zoom) and reused when the map
// pans or zooms back; a tile being loaded is not asked for again. `refresh()` forgets
// everything (new filters, or a report just filed); the browser then revalidates with the
// server's ETag, so an unchanged tile costs a 304.
import L from "leaflet";
import { getJSON } from "../lib/api.js";
import { debounce } from "../lib/dom.js";

const TILE = 256;
const LARGE_UP_TO_ZOOM = 14; // 1024-px tiles (4 × 4 display tiles) up to here, 512-px beyond

/** The size (px) of the tiles asked for at a zoom: as large as that zoom's world allows. */
function tileSize(zoom) {
  let size = zoom <= LARGE_UP_TO_ZOOM ? 1024 : 512;
  while (size > TILE * 2 ** zoom) size /= 2;
  return size;
}
const MIN_ZOOM = 0;
const MAX_ZOOM = 20;

export class ReportTiles {
  /**
   * @param map          the Leaflet map
   * @param tileUrl      "/api/reports/map" (tiles are tileUrl/z/x/y.geojson, the count tileUrl/count/)
   * @param params       () => query parameters for every request (the staff's filters), {} for
   *                     none, or null to show nothing yet (the filters are not known yet)
   * @param point        (feature) => a Leaflet layer for one report, or null to leave it out
   * @param clusterLabel (count) => the cluster's accessible name
   * @param onCount      (count, bbox) => the exact number in view, when known
   * @param onError      () => a tile or the count could not be loaded
   */
  constructor(map, { tileUrl, params = () => ({}), point, clusterLabel, onCount, onError = () => {} }) {
    this.map = map;
    this.tileUrl = tileUrl;
    this.params = params;
    this.point = point;
    this.clusterLabel = clusterLabel;
    this.onCount = onCount;
    this.onError = onError;
    this.layer = L.layerGroup().addTo(map);
    this.forget();
    this.update = debounce(() => this.show(), 150);
    map.on("moveend", () => this.update());
  }

  /** Drop every loaded tile and count (the filters changed, or a report was filed). */
  forget() {
    this.tiles = new Map(); // "z/x/y@size" → Promise of {layer, collection}
    this.counts = new Map(); // bbox → Promise of count
    const params = this.params();
    this.query = params === null ? null : new URLSearchParams(
      Object.entries(params).filter(([, v]) => v !== undefined && v !== null && v !== ""),
    ).toString();
    this.layer.clearLayers();
    this.shownZoom = null;
  }

  refresh() {
    this.forget();
    return this.show();
  }

  /** The tiles covering the view at the current zoom: loaded once, then shown. */
  async show() {
    if (this.query === null) return;
    const zoom = Math.max(MIN_ZOOM, Math.min(MAX_ZOOM, Math.round(this.map.getZoom())));
    const keys = this.visibleTiles(zoom);
    if (this.shownZoom !== zoom) {
      this.layer.clearLayers();
      this.shownZoom = zoom;
    }
    const counting = this.count();
    await Promise.all(keys.map(async (key) => {
      let entry;
      try {
        entry = await this.tile(key);
      } catch {
        this.onError();
        return;
      }
      if (this.shownZoom === zoom && !this.layer.hasLayer(entry.layer)) this.layer.addLayer(entry.layer);
    }));
    await counting;
  }

  /** The tiles covering the view shown at `zoom`: "z/x/y@size", size as tileSize(zoom). */
  visibleTiles(zoom) {
    const size = tileSize(zoom);
    const z = zoom - Math.log2(size / TILE);
    const bounds = this.map.getPixelBounds(); // at the current (integer) zoom
    const last = 2 ** z - 1;
    const clamp = (v) => Math.max(0, Math.min(last, v));
    const x0 = clamp(Math.floor(bounds.min.x / size));
    const x1 = clamp(Math.floor((bounds.max.x - 1) / size));
    const y0 = clamp(Math.floor(bounds.min.y / size));
    const y1 = clamp(Math.floor((bounds.max.y - 1) / size));
    const keys = [];
    for (let x = x0; x <= x1; x += 1) for (let y = y0; y <= y1; y += 1) keys.push(`${z}/${x}/${y}@${size}`);
    return keys;
  }

  tile(key) {
    if (!this.tiles.has(key)) {
      const [path, size] = key.split("@");
      const query = [size === String(TILE) ? "" : `size=${size}`, this.query].filter(Boolean).join("&");
      const url = `${this.tileUrl}/${path}.geojson${query ? `?${query}` : ""}`;
      const loading = getJSON(url).then((collection) => ({ collection, layer: this.draw(collection) }));
      loading.catch(() => this.tiles.delete(key)); // a failed tile is asked for again later
      this.tiles.set(key, loading);
    }
    return this.tiles.get(key);
  }

  draw(collection) {
    const group = L.layerGroup();
    for (const feature of collection.features) {
      const layer = feature.properties.cluster ? this.cluster(feature) : this.point(feature);
      if (layer) group.addLayer(layer);
    }
    return group;
  }

  cluster(feature) {
    const [lon, lat] = feature.geometry.coordinates;
    const { count, bbox } = feature.properties;
    const label = this.clusterLabel(count);
    const marker = L.marker([lat, lon], { icon: clusterIcon(count), title: label, alt: label, riseOnHover: true });
    marker.on("click", () => {
      const [west, south, east, north] = bbox;
      const zoom = this.map.getZoom();
      if (east - west < 1e-6 && north - south < 1e-6) this.map.setView([lat, lon], Math.min(zoom + 3, this.map.getMaxZoom()));
      else this.map.fitBounds([[south, west], [north, east]], { maxZoom: Math.max(zoom + 1, 1) });
    });
    marker.on("add", () => {
      const element = marker.getElement();
      if (!element) return;
      element.setAttribute("role", "button");
      element.setAttribute("aria-label", label);
      element.dataset.count = String(count);
    });
    return pressable(marker);
  }

  /** The exact number in view (asked once per view and filters). */
  async count() {
    if (!this.onCount) return;
    const b = this.map.getBounds();
    const bbox = [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()].map((v) => v.toFixed(5)).join(",");
    if (!this.counts.has(bbox)) {
      const query = `${this.query ? `${this.query}&` : ""}bbox=${bbox}`;
      const loading = getJSON(`${this.tileUrl}/count/?${query}`).then((answer) => answer.count);
      loading.catch(() => this.counts.delete(bbox));
      this.counts.set(bbox, loading);
    }
    const current = bbox;
    try {
      const count = await this.counts.get(bbox);
      const b2 = this.map.getBounds();
      const now = [b2.getWest(), b2.getSouth(), b2.getEast(), b2.getNorth()].map((v) => v.toFixed(5)).join(",");
      if (now === current) this.onCount(count, bbox);
    } catch {
      this.onError();
    }
  }
}

/** Enter or Space on a focused marker does what a click does (Leaflet answers clicks only). */
export function pressable(marker) {
  marker.on("add", () => {
    const element = marker.getElement();
    if (!element || element.dataset.pressable) return;
    element.dataset.pressable = "true";
    element.addEventListener("keydown", (event) => {
      if (event.key !== "Enter" && event.key !== " ") return;
      event.preventDefault();
      marker.fire("click");
    });
  });
  return marker;
}

export function clusterIcon(count) {
  const size = count < 10 ? 36 : count < 100 ? 44 : count < 1000 ? 54 : 62;
  const tone = count < 10 ? "small" : count < 100 ? "medium" : "large";
  return L.divIcon({
    html: `<span class="cluster cluster--${tone}">${Number(count)}</span>`,
    className: "marker-cluster",
    iconSize: L.point(size, size),
  });
}
