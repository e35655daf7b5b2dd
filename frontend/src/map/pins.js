// Pins in the category group's colour with the category's icon (see mapa.css: .pin, .cat-*).
import L from "leaflet";

export function pinIcon(sprite, { icon, group }, { isNew = false } = {}) {
  const html =
    `<span class="pin cat-${cssToken(group)}${isNew ? " pin--new" : ""}">` +
    `<svg class="icon" aria-hidden="true" focusable="false"><use href="${sprite}#icon-${cssToken(icon)}"></use></svg>` +
    "</span>";
  return L.divIcon({ className: "pin-icon", html, iconSize: [32, 32], iconAnchor: [16, 39], popupAnchor: [0, -36] });
}

export function draftPinIcon(sprite) {
  const html =
    '<span class="draft-pin">' +
    `<svg class="icon" aria-hidden="true" focusable="false"><use href="${sprite}#icon-pin"></use></svg>` +
    "</span>";
  return L.divIcon({ className: "draft-pin-icon", html, iconSize: [44, 44], iconAnchor: [22, 53] });
}

/** Icon and group names come from the database: keep only characters safe in a class or URL. */
function cssToken(value) {
  return String(value || "other").replace(/[^a-z0-9-]/gi, "") || "other";
}
