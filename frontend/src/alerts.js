// The area alert page: a pin and its radius on a small map, or an address from the
// search; the coordinates land in the form's own fields, which work without this script.
import L from "leaflet";
import { createMap, addDistricts } from "./map/base.js";
import { PlaceSearch } from "./form/place-search.js";
import { t } from "./lib/i18n.js";

function start() {
  const form = document.getElementById("alert-form");
  if (!form) return;
  document.documentElement.classList.add("js");
  for (const element of document.querySelectorAll("[data-js-only]")) element.hidden = false;
  const { lon, lat, radius } = form.elements;
  const districts = form.querySelector(".alert-districts");
  const circleBox = form.querySelector(".alert-circle");

  // Only the chosen kind of area is shown (both are there without the script).
  const showArea = () => {
    const chosen = (form.querySelector("input[name=area]:checked") || {}).value || "districts";
    districts.hidden = chosen !== "districts";
    circleBox.hidden = chosen !== "circle";
    if (chosen === "circle") map.invalidateSize();
  };
  const chooseCircle = () => {
    const radio = form.querySelector("input[name=area][value=circle]");
    if (radio && !radio.checked) {
      radio.checked = true;
      showArea();
    }
  };

  const mapElement = document.getElementById("alert-map");
  const map = createMap(mapElement, { zoom: 12 });
  mapElement.setAttribute("role", "region");
  mapElement.setAttribute("aria-label", t("Map. Arrow keys move it, plus and minus zoom; Enter puts the pin in the middle."));
  addDistricts(map, { labels: false }).catch(() => {});
  const circle = L.circle([0, 0], { radius: 1, color: "#0b6e4f", weight: 2, fillOpacity: 0.12 });
  const pin = L.circleMarker([0, 0], { radius: 6, color: "#0b6e4f", fillOpacity: 1 });

  const draw = () => {
    const lo = Number(lon.value);
    const la = Number(lat.value);
    if (!lon.value || !lat.value || !Number.isFinite(lo) || !Number.isFinite(la)) {
      circle.remove();
      pin.remove();
      return;
    }
    circle.setLatLng([la, lo]).setRadius(Number(radius.value) || 500).addTo(map);
    pin.setLatLng([la, lo]).addTo(map);
  };
  const setPoint = (lo, la) => {
    lon.value = lo.toFixed(6);
    lat.value = la.toFixed(6);
    chooseCircle();
    draw();
  };

  map.on("click", (event) => setPoint(event.latlng.lng, event.latlng.lat));
  mapElement.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && event.target === mapElement) {
      event.preventDefault();
      const centre = map.getCenter();
      setPoint(centre.lng, centre.lat);
    }
  });
  for (const input of [lon, lat, radius]) input.addEventListener("change", draw);
  for (const radio of form.querySelectorAll("input[name=area]")) radio.addEventListener("change", showArea);

  new PlaceSearch({
    input: document.getElementById("alert-place-search"),
    list: document.getElementById("alert-place-results"),
    status: document.getElementById("alert-place-status"),
    onChoose: (feature) => {
      const [lo, la] = feature.geometry.coordinates;
      setPoint(lo, la);
      map.setView([la, lo], 15);
    },
  });

  showArea();
  draw();
  if (circle._map) map.fitBounds(circle.getBounds());
}

start();
