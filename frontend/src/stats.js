// The statistics pages (/stats/ and /staff/stats/): bar charts (Chart.js) and a choropleth
// of open cases per district (Leaflet). The figures come from the server, computed in SQL:
// the charts' in the page (<script id="stats-charts">), the map's from the page's own URL
// with ?format=geojson. Every chart's figures are also in a table under it.
import {
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  Legend,
  LinearScale,
  Tooltip,
} from "chart.js";
import L from "leaflet";
import { getJSON } from "./lib/api.js";
import { h, replaceChildren } from "./lib/dom.js";
import { language } from "./lib/i18n.js";
import { createMap } from "./map/base.js";

Chart.register(BarController, BarElement, CategoryScale, LinearScale, Legend, Tooltip);
Chart.defaults.color = "#1b1f24";
Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;

// One colour per series key: statuses as on the report pages, the time percentiles in
// Gdańsk red (median dark, 90th percentile light).
const COLOURS = {
  new: "#1d4ed8",
  accepted: "#0e7490",
  in_progress: "#b45309",
  resolved: "#15803d",
  rejected: "#64748b",
  duplicate: "#a8b1bd",
  median: "#9b1b1f",
  p90: "#e8a0a2",
  overdue: "#b3261e",
};

// Open cases per district: zero in grey, then five classes of OrRd (ColorBrewer).
const NONE = "#e5e7eb";
const CLASSES = ["#fdd49e", "#fdbb84", "#fc8d59", "#e34a33", "#b30000"];

function number(value, digits = 1) {
  return new Intl.NumberFormat(language(), { maximumFractionDigits: digits }).format(value);
}

function drawChart(canvas, spec) {
  const suffix = spec.percent ? " %" : "";
  return new Chart(canvas, {
    type: "bar",
    data: {
      labels: spec.labels,
      datasets: spec.series.map((series) => ({
        label: series.label,
        data: series.values,
        backgroundColor: COLOURS[series.key] || "#475569",
        borderWidth: 0,
        maxBarThickness: 22,
      })),
    },
    options: {
      indexAxis: "y",
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      locale: language(),
      plugins: {
        legend: { position: "top", align: "start", labels: { boxWidth: 14 } },
        tooltip: {
          callbacks: { label: (item) => `${item.dataset.label}: ${number(item.parsed.x)}${suffix}` },
        },
      },
      scales: {
        x: {
          stacked: spec.stacked,
          beginAtZero: true,
          max: spec.percent ? 100 : undefined,
          title: { display: true, text: spec.axis },
          ticks: { precision: spec.stacked ? 0 : undefined, callback: (value) => `${number(value)}${suffix}` },
        },
        y: { stacked: spec.stacked, ticks: { autoSkip: false } },
      },
    },
  });
}

/** Class limits for the choropleth: up to five classes of whole numbers from 1 to max. */
function classes(max) {
  if (max <= 0) return [];
  const count = Math.min(CLASSES.length, max);
  const limits = [];
  for (let i = 1; i <= count; i += 1) {
    const upper = Math.ceil((max * i) / count);
    const lower = limits.length ? limits[limits.length - 1].upper + 1 : 1;
    if (upper >= lower) limits.push({ lower, upper });
  }
  return limits.map((limit, i) => ({ ...limit, colour: CLASSES[Math.round((i * (CLASSES.length - 1)) / Math.max(1, limits.length - 1))] }));
}

function colourOf(open, limits) {
  if (!open) return NONE;
  const found = limits.find((limit) => open <= limit.upper);
  return found ? found.colour : limits[limits.length - 1].colour;
}

function drawLegend(element, limits) {
  const swatch = (colour) => h("span", { class: "stats-swatch", style: `background:${colour}`, "aria-hidden": "true" });
  const range = (limit) => (limit.lower === limit.upper ? number(limit.lower, 0) : `${number(limit.lower, 0)}–${number(limit.upper, 0)}`);
  replaceChildren(
    element,
    h("p", { class: "stats-legend-title" }, element.dataset.title),
    h(
      "ul",
      {},
      h("li", {}, swatch(NONE), element.dataset.none),
      limits.map((limit) => h("li", {}, swatch(limit.colour), range(limit))),
    ),
  );
}

async function drawChoropleth(element) {
  const map = createMap(element, {
    zoomControl: false,
    keyboard: false,
    scrollWheelZoom: false,
    zoomSnap: 0.25,
  });
  const collection = await getJSON(element.dataset.geojson);
  const max = Math.max(0, ...collection.features.map((f) => f.properties.open));
  const limits = classes(max);
  const layer = L.geoJSON(collection, {
    style: (feature) => ({
      color: "#4b5563",
      weight: 1,
      fillColor: colourOf(feature.properties.open, limits),
      fillOpacity: 0.9,
    }),
    onEachFeature: (feature, path) => {
      // A text node: Leaflet reads a string as HTML, and names are the database's text.
      const text = `${feature.properties.name}: ${number(feature.properties.open, 0)}`;
      path.bindTooltip(document.createTextNode(text), { sticky: true });
    },
  }).addTo(map);
  if (collection.features.length) map.fitBounds(layer.getBounds(), { padding: [8, 8], animate: false });
  const legend = document.getElementById(element.dataset.legend);
  if (legend) drawLegend(legend, limits);
  element.dataset.ready = "true";
  return map;
}

const charts = {};
const source = document.getElementById("stats-charts");
if (source) {
  const specs = JSON.parse(source.textContent);
  for (const canvas of document.querySelectorAll("canvas[data-chart]")) {
    // The box's height, set here (the CSP allows no style attribute in the markup).
    const box = canvas.parentElement;
    if (box.dataset.height) box.style.height = `${box.dataset.height}px`;
    const spec = specs[canvas.dataset.chart];
    if (spec) charts[canvas.dataset.chart] = drawChart(canvas, spec);
  }
}

window.mapa = { charts };
const mapElement = document.getElementById("stats-map");
if (mapElement) {
  drawChoropleth(mapElement)
    .then((map) => { window.mapa.map = map; })
    .catch((error) => {
      console.error(error);
      mapElement.hidden = true;
      const failed = document.getElementById("stats-map-failed");
      if (failed) failed.hidden = false;
    });
}
