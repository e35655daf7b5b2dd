// A report's page: a small map of where the problem is.
import L from "leaflet";
import { createMap, addDistricts } from "./map/base.js";
import { pinIcon } from "./map/pins.js";

const element = document.getElementById("report-map");
if (element) {
  const lat = Number(element.dataset.lat);
  const lon = Number(element.dataset.lon);
  element.dataset.center = `${lon},${lat}`;
  element.dataset.zoom = "15";
  const map = createMap(element, { scrollWheelZoom: false, keyboard: false, zoomControl: false });
  // The map only illustrates the place written under it (it is aria-hidden): its links
  // stay out of the tab order.
  for (const link of element.querySelectorAll("a")) link.setAttribute("tabindex", "-1");
  addDistricts(map, { labelsFrom: 15 }).catch(() => {});
  L.marker([lat, lon], {
    icon: pinIcon(element.dataset.icons, { icon: element.dataset.icon, group: element.dataset.group }),
    keyboard: false,
    interactive: false,
  }).addTo(map);
}
