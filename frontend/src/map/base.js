// The Leaflet map every page starts from: Gdańsk, optional tiles, the district outlines.
import L from "leaflet";
import { getJSON } from "../lib/api.js";
import { t } from "../lib/i18n.js";

/** Gdańsk's bounds, with room around them: the map is not for panning to Berlin. */
export const CITY_BOUNDS = L.latLngBounds([54.23, 18.38], [54.48, 18.98]);

/**
 * A map in `element`. The tile layer is optional (`data-tile-url`): with none, or
 * when tiles fail to load, the districts are drawn as land on a plain background.
 */
export function createMap(element, options = {}) {
  const [lon, lat] = (element.dataset.center || "18.6466,54.3520").split(",").map(Number);
  const map = L.map(element, {
    center: [lat, lon],
    zoom: Number(element.dataset.zoom || 12),
    minZoom: 10,
    maxZoom: 19,
    maxBounds: CITY_BOUNDS.pad(0.6),
    zoomControl: true,
    keyboardPanDelta: 100,
    ...options,
  });
  map.attributionControl.setPrefix(false);
  const tileUrl = element.dataset.tileUrl;
  if (tileUrl) {
    const tiles = L.tileLayer(tileUrl, {
      attribution: element.dataset.tileAttribution || "",
      maxZoom: 19,
    }).addTo(map);
    element.classList.add("has-tiles");
    // No tile server reachable: drop the layer and draw the districts as land instead.
    let loaded = 0;
    let failed = 0;
    tiles.on("tileload", () => { loaded += 1; });
    tiles.on("tileerror", () => {
      failed += 1;
      if (failed >= 4 && loaded === 0) {
        tiles.remove();
        element.classList.replace("has-tiles", "no-tiles");
        map.fire("tilesunavailable");
      }
    });
  } else {
    element.classList.add("no-tiles");
  }
  // Leaflet's zoom buttons and attribution speak the page's language.
  const zoomIn = element.querySelector(".leaflet-control-zoom-in");
  const zoomOut = element.querySelector(".leaflet-control-zoom-out");
  if (zoomIn) relabel(zoomIn, t("Zoom in"));
  if (zoomOut) relabel(zoomOut, t("Zoom out"));
  return map;
}

function relabel(button, label) {
  button.title = label;
  button.setAttribute("aria-label", label);
}

/** The district outlines (simplified to ~10 m), drawn under everything else. */
export async function addDistricts(map, { labels = true, labelsFrom = 13, fit = false } = {}) {
  const container = map.getContainer();
  const style = () => {
    const withTiles = container.classList.contains("has-tiles");
    return {
      color: "#7a1417",
      weight: 1.3,
      opacity: 0.6,
      fillColor: withTiles ? "#ffffff" : "#fbfaf6",
      fillOpacity: withTiles ? 0.06 : 1,
    };
  };
  const collection = await getJSON("/api/districts/", { simplify: 10 });
  const layer = L.geoJSON(collection, { interactive: false, style }).addTo(map);
  layer.bringToBack();
  map.on("tilesunavailable", () => layer.setStyle(style));
  if (fit && collection.features.length) map.fitBounds(layer.getBounds(), { padding: [12, 12], animate: false });
  if (labels) labelDistricts(map, collection, labelsFrom);
  return layer;
}

/** District names at the zoom levels where they fit. */
function labelDistricts(map, collection, fromZoom) {
  // Between the outlines (400) and the pins (600): a name never hides a pin.
  if (!map.getPane("districtLabels")) map.createPane("districtLabels").style.zIndex = 450;
  const group = L.layerGroup();
  for (const feature of collection.features) {
    const centre = L.geoJSON(feature).getBounds().getCenter();
    group.addLayer(
      L.tooltip({ permanent: true, direction: "center", className: "district-label", interactive: false, pane: "districtLabels" })
        .setLatLng(centre)
        .setContent(document.createTextNode(feature.properties.name)), // text, never HTML
    );
  }
  const toggle = () => {
    if (map.getZoom() >= fromZoom) group.addTo(map);
    else group.remove();
  };
  map.on("zoomend", toggle);
  toggle();
}
