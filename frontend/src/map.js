// The resident's map page: open reports on the map, and the report form beside it.
import { createMap, addDistricts } from "./map/base.js";
import { ReportLayer } from "./map/reports.js";
import { addLegend } from "./map/legend.js";
import { LocationPicker } from "./form/location.js";
import { PlaceSearch } from "./form/place-search.js";
import { NearbyList } from "./form/nearby.js";
import { PhotoField } from "./form/photo.js";
import { ReportForm } from "./form/report-form.js";
import { t } from "./lib/i18n.js";

function readJSON(id) {
  const element = document.getElementById(id);
  return element ? JSON.parse(element.textContent) : [];
}

function start() {
  document.documentElement.classList.add("js");
  for (const element of document.querySelectorAll("[data-js-only]")) element.hidden = false;

  const mapElement = document.getElementById("map");
  const sprite = mapElement.dataset.icons;
  const categories = new Map(readJSON("mapa-categories").map((c) => [c.code, c]));
  const districts = new Map(readJSON("mapa-districts").map((d) => [d.slug, d]));
  const form = document.getElementById("report-form");

  const map = createMap(mapElement);
  mapElement.setAttribute("role", "region");
  mapElement.setAttribute("aria-label", t("Map. Arrow keys move it, plus and minus zoom; Enter puts your report's pin in the middle."));
  addLegend(map, categories);
  const reports = new ReportLayer(map, { sprite, categories, status: document.getElementById("map-status") });
  // "#map=zoom/lat/lon" (the alerts' e-mails link to their area this way) sets the view.
  const view = /^#map=(\d{1,2})\/(-?\d+(?:\.\d+)?)\/(-?\d+(?:\.\d+)?)$/.exec(window.location.hash);
  if (view) map.setView([Number(view[2]), Number(view[3])], Number(view[1]));
  // The city's extent comes with the page: the reports load at once, not after the outlines.
  const bounds = (mapElement.dataset.bounds || "").split(",").map(Number);
  const known = bounds.length === 4 && bounds.every(Number.isFinite);
  if (!view && known) map.fitBounds([[bounds[1], bounds[0]], [bounds[3], bounds[2]]], { padding: [12, 12], animate: false });
  reports.load();
  addDistricts(map, { fit: !view && !known }).catch(() => {});

  const location = new LocationPicker({
    map, sprite, form,
    status: document.getElementById("location-status"),
    message: document.getElementById("map-message"),
    districts,
    categoryOf: () => (form.querySelector("input[name=category]:checked") || {}).value || "",
  });
  const nearby = new NearbyList({
    section: document.getElementById("nearby"),
    list: document.getElementById("nearby-list"),
    status: document.getElementById("nearby-status"),
    sprite, categories,
    email: form.elements.email,
  });
  nearby.hide();
  location.addEventListener("change", (event) => nearby.show(event.detail.lon, event.detail.lat));

  form.querySelector("[data-action=locate]").addEventListener("click", () => location.locate());
  form.querySelector("[data-action=pin-centre]").addEventListener("click", () => location.pinCentre());

  const address = form.elements.address;
  new PlaceSearch({
    input: document.getElementById("place-search"),
    list: document.getElementById("place-results"),
    status: document.getElementById("place-search-status"),
    onChoose: (feature) => {
      const [lon, lat] = feature.geometry.coordinates;
      const p = feature.properties;
      if (p.kind !== "district" && (!address.value || address.dataset.filled === "search")) {
        address.value = p.label || p.name;
        address.dataset.filled = "search";
      }
      location.set(lon, lat, p.kind === "district" ? "district" : "address", { pan: true, zoom: p.kind === "district" ? 14 : 17 });
    },
  });
  address.addEventListener("input", () => { delete address.dataset.filled; });

  const photo = new PhotoField({
    input: document.getElementById("id_photo"),
    hiddenId: document.getElementById("photo-id"),
    preview: form.querySelector(".photo-preview"),
    status: document.getElementById("photo-status"),
    error: document.getElementById("id_photo-error"),
    gpsOffer: document.getElementById("photo-gps"),
    maxBytes: Number(form.dataset.photoMaxBytes) || 10 * 1000 * 1000,
    onGps: ({ lon, lat }) => location.set(lon, lat, "photo", { pan: true, zoom: 17 }),
    hasPoint: () => Boolean(location.point),
  });

  new ReportForm({
    form,
    result: document.getElementById("result"),
    location, photo, categories, reports,
    submitStatus: document.getElementById("submit-status"),
  });
  window.mapa = { map, reports, location }; // for the browser tests and the curious
}

start();
