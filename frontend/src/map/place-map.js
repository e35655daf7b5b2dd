// A small map of one place: the report's pin on the district outlines. It only illustrates
// the place written beside it (the element is aria-hidden), so nothing in it takes focus.
import L from "leaflet";
import { createMap, addDistricts } from "./base.js";
import { pinIcon } from "./pins.js";

export function placeMap(element) {
  const lat = Number(element.dataset.lat);
  const lon = Number(element.dataset.lon);
  element.dataset.center = `${lon},${lat}`;
  element.dataset.zoom = "15";
  const map = createMap(element, { scrollWheelZoom: false, keyboard: false, zoomControl: false });
  for (const link of element.querySelectorAll("a")) link.setAttribute("tabindex", "-1");
  addDistricts(map, { labelsFrom: 15 }).catch(() => {});
  L.marker([lat, lon], {
    icon: pinIcon(element.dataset.icons, { icon: element.dataset.icon, group: element.dataset.group }),
    keyboard: false,
    interactive: false,
  }).addTo(map);
  return map;
}
