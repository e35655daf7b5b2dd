// Bundle the browser code into dist/, which Django serves as static files.
// Nothing is loaded from a CDN: Leaflet, its plugins and OpenLayers come from npm.
import { build } from "esbuild";
import { cpSync, mkdirSync, rmSync, existsSync } from "node:fs";

const out = "dist";
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });

const entries = ["src/map.js"].filter((path) => existsSync(path));
if (entries.length) {
  await build({
    entryPoints: entries,
    bundle: true,
    format: "esm",
    minify: true,
    sourcemap: true,
    target: ["es2020"],
    outdir: `${out}/mapa`,
    loader: { ".png": "file", ".svg": "file" },
    logLevel: "warning",
  });
}

// The admin's GIS widget (Django's OpenLayers widget) loads these by name.
mkdirSync(`${out}/vendor/ol`, { recursive: true });
cpSync("node_modules/ol/dist/ol.js", `${out}/vendor/ol/ol.js`);
cpSync("node_modules/ol/ol.css", `${out}/vendor/ol/ol.css`);
console.log(`built ${out}/`);
