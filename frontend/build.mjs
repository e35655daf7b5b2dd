// Bundle the browser code into dist/, which Django serves as static files.
// Nothing is loaded from a CDN: Leaflet, its plugins and OpenLayers come from npm.
//
//   dist/mapa/mapa.css    every resident page's styles (Leaflet's and markercluster's included)
//   dist/mapa/map.js      the resident's map and report form  (src/map.js)
//   dist/mapa/report.js   a report's page: its small map       (src/report.js)
//   dist/mapa/alerts.js   the area alert page: a pin and radius, address search (src/alerts.js)
//   dist/mapa/stats.js (+ stats.css)  the statistics pages: Chart.js bars, a Leaflet choropleth
//   dist/mapa/staff/dispatcher.js (+ .css)  the dispatcher's map and list; Leaflet-Geoman draws areas
//   dist/mapa/staff/case.js              a case's page: its actions through the staff API
//   dist/mapa/staff/intake.js            the consultant's intake form
//   dist/mapa/staff/hotspots.js          the hotspots: a map and a list, merging one into a case
//   dist/mapa/staff/routing.js           the routing tools: simulate a point, coverage by unit
//   dist/mapa/staff/tools.css            the hotspots' and routing tools' styles
//   dist/mapa/icons.svg   category and interface icons, used by templates and scripts
//   dist/vendor/          files read by name: OpenLayers (the admin), Leaflet and markercluster (briefing maps)
import { build } from "esbuild";
import { cpSync, mkdirSync, rmSync } from "node:fs";

const out = "dist";
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });

await build({
  entryPoints: [
    "src/map.js",
    "src/report.js",
    "src/alerts.js",
    "src/mapa.css",
    "src/stats.js",
    "src/stats.css",
    "src/staff/dispatcher.js",
    "src/staff/case.js",
    "src/staff/intake.js",
    "src/staff/hotspots.js",
    "src/staff/routing.js",
    "src/staff/tools.css",
  ],
  bundle: true,
  format: "esm",
  splitting: true,
  chunkNames: "chunks/[name]-[hash]",
  minify: true,
  sourcemap: true,
  target: ["es2020", "chrome90", "firefox90", "safari14"],
  outdir: `${out}/mapa`,
  loader: { ".png": "file", ".svg": "file" },
  assetNames: "assets/[name]-[hash]",
  logLevel: "warning",
});

cpSync("src/icons/sprite.svg", `${out}/mapa/icons.svg`);
cpSync("src/icons/favicon.svg", `${out}/mapa/favicon.svg`);

// The admin's GIS widget (Django's OpenLayers widget) loads these by name. ol.js ends with
// a sourceMappingURL comment, so its map travels with it: whitenoise's manifest storage
// (production's collectstatic) refuses a file whose source map is missing.
mkdirSync(`${out}/vendor/ol`, { recursive: true });
cpSync("node_modules/ol/dist/ol.js", `${out}/vendor/ol/ol.js`);
cpSync("node_modules/ol/dist/ol.js.map", `${out}/vendor/ol/ol.js.map`);
cpSync("node_modules/ol/ol.css", `${out}/vendor/ol/ol.css`);
// The briefing maps (mapa/exports/briefing_assets.py) inline Leaflet and markercluster into
// one HTML file that must open offline; they read these through Django's staticfiles, so the
// production image (which keeps only dist/) has them. leaflet.css's images go along: the
// briefing turns them into data: URIs, and the manifest storage checks they exist.
mkdirSync(`${out}/vendor/leaflet/images`, { recursive: true });
for (const file of ["leaflet.js", "leaflet.js.map", "leaflet.css"]) {
  cpSync(`node_modules/leaflet/dist/${file}`, `${out}/vendor/leaflet/${file}`);
}
cpSync("node_modules/leaflet/dist/images", `${out}/vendor/leaflet/images`, { recursive: true });
mkdirSync(`${out}/vendor/leaflet.markercluster`, { recursive: true });
for (const file of [
  "leaflet.markercluster.js",
  "leaflet.markercluster.js.map",
  "MarkerCluster.css",
  "MarkerCluster.Default.css",
]) {
  cpSync(`node_modules/leaflet.markercluster/dist/${file}`, `${out}/vendor/leaflet.markercluster/${file}`);
}
console.log(`built ${out}/`);
