// What the pin colours mean: one line per category group, folded on small screens.
import L from "leaflet";
import { h } from "../lib/dom.js";
import { t } from "../lib/i18n.js";

const GROUPS = () => ({
  roads: t("Roads and pavements"),
  greenery: t("Greenery and street furniture"),
  animals: t("Animals"),
  cleanliness: t("Cleanliness"),
  order: t("Public order"),
  safety: t("Safety"),
  other: t("Other"),
});

export function addLegend(map, categories) {
  const names = GROUPS();
  const present = [...new Set([...categories.values()].map((c) => c.group || "other"))]
    .filter((group) => group in names)
    .sort((a, b) => Object.keys(names).indexOf(a) - Object.keys(names).indexOf(b));
  const Legend = L.Control.extend({
    onAdd() {
      const details = h("details", { class: "map-legend" },
        h("summary", {}, t("Legend")),
        h("ul", {}, present.map((group) => h("li", { class: `cat-${group}` }, h("span", { class: "swatch", "aria-hidden": "true" }), names[group]))),
      );
      if (window.matchMedia("(min-width: 901px)").matches) details.open = true;
      L.DomEvent.disableClickPropagation(details);
      return details;
    },
  });
  new Legend({ position: "bottomright" }).addTo(map);
}
