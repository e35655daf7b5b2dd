// Hotspots on a Leaflet map: each hotspot's area (the hull of its reports, from
// GET /api/staff/hotspots/) in its category group's colour, with its count at the centre.
// Any staff map can add it: `hotspotLayer(collection, { onSelect }).addTo(map)`.
import L from "leaflet";
import { format, t, tn } from "../lib/i18n.js";

// The category groups' colours (mapa.css: --cat-*); white text on each passes 4.5:1.
const GROUP_COLOURS = {
  roads: "#9a3412",
  greenery: "#166534",
  animals: "#6d28d9",
  cleanliness: "#0e7490",
  order: "#1d4ed8",
  safety: "#b91c1c",
  other: "#475569",
};

export function groupColour(group) {
  return GROUP_COLOURS[group] || GROUP_COLOURS.other;
}

/** "Pothole or road damage: 6 reports", the words a hotspot is named by. */
export function hotspotName(properties) {
  return format(tn("%(category)s: %(count)s report", "%(category)s: %(count)s reports", properties.count), {
    category: properties.category.name,
    count: properties.count,
  });
}

/**
 * A layer of the hotspots of a FeatureCollection. `onSelect(feature)` is called when an area
 * or its count is clicked. The layer only illustrates: every hotspot must also be listed in
 * words on the page (the count markers are out of the tab order).
 */
export function hotspotLayer(collection, { onSelect } = {}) {
  const group = L.featureGroup();
  group.areas = new Map(); // feature id → its area's layer, to zoom to one hotspot
  for (const feature of collection.features) {
    const colour = groupColour(feature.properties.category.group);
    const area = L.geoJSON(feature, {
      style: { color: colour, weight: 2.5, fillColor: colour, fillOpacity: 0.18 },
    });
    const [lon, lat] = feature.properties.centroid;
    // Built as DOM, its colour set through CSSOM: the CSP refuses style attributes in markup.
    const badge = document.createElement("span");
    badge.className = "hotspot-count";
    badge.style.background = colour;
    badge.textContent = String(Number(feature.properties.count));
    const count = L.marker([lat, lon], {
      icon: L.divIcon({
        className: "hotspot-count-icon",
        html: badge,
        iconSize: [34, 34],
        iconAnchor: [17, 17],
      }),
      keyboard: false,
      title: hotspotName(feature.properties),
    });
    const select = () => onSelect && onSelect(feature);
    area.on("click", select);
    count.on("click", select);
    // A text node: Leaflet would read a string as HTML, and category names are staff's text.
    area.bindTooltip(document.createTextNode(hotspotName(feature.properties)), { sticky: true });
    group.addLayer(area);
    group.addLayer(count);
    group.areas.set(feature.id, area);
  }
  return group;
}

/** "within 40 m of its centre" */
export function radiusText(metres) {
  return format(t("within %(metres)s m of its centre"), { metres: Math.max(1, Math.round(metres)) });
}
