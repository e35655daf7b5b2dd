// Mapa's briefing map (mapa/exports/briefing.py): pins in their category's colour, their
// popups, and the district outline. Inlined into the HTML after Leaflet and markercluster.
//
// Text from the database (references, descriptions, addresses, category and district
// names) only ever reaches the page as textContent, never as markup: a description
// holding an image tag with an onerror handler shows those characters and runs nothing.
// The labels, the language and the site's address come from the JSON in
// <script id="mapa-briefing-config" type="application/json">.
(function () {
  "use strict";

  let config = null;
  function settings() {
    if (config === null) {
      const element = document.getElementById("mapa-briefing-config");
      config = element ? JSON.parse(element.textContent) : { labels: {}, base: "" };
    }
    return config;
  }

  function node(tag, className, text) {
    const element = document.createElement(tag);
    if (className) element.className = className;
    if (text !== undefined && text !== null) element.textContent = String(text);
    return element;
  }

  function row(list, label, value) {
    if (value === undefined || value === null || value === "") return;
    list.appendChild(node("dt", "", label));
    list.appendChild(node("dd", "", value));
  }

  function reportLink(path) {
    // The report page's path comes from Django's URLconf; the base is the site's address.
    try {
      const url = new URL(String(path), settings().base || undefined);
      return url.protocol === "https:" || url.protocol === "http:" ? url.href : null;
    } catch (error) {
      return null;
    }
  }

  function popupContent(properties) {
    const labels = settings().labels;
    const box = node("div", "mapa-popup");
    box.appendChild(node("p", "mapa-popup-reference", properties.reference));
    const list = node("dl", "mapa-popup-facts");
    row(list, labels.category, properties.category && properties.category.name);
    row(list, labels.status, properties.status_label);
    row(list, labels.address, properties.address);
    row(list, labels.created, properties.created_local);
    box.appendChild(list);
    if (properties.description) {
      box.appendChild(node("p", "mapa-popup-description", properties.description));
    }
    const href = reportLink(properties.url);
    if (href) {
      const link = node("a", "mapa-popup-link", labels.open_page);
      link.href = href;
      link.target = "_blank";
      link.rel = "noopener noreferrer";
      box.appendChild(link);
    }
    return box;
  }

  window.MapaBriefing = {
    // GeoJson's pointToLayer: a round pin in the category's colour, named by its reference.
    pin(feature, latlng) {
      const properties = feature.properties;
      const dot = node("span", "mapa-pin-dot");
      dot.style.backgroundColor = /^#[0-9A-Fa-f]{6}$/.test(properties.colour) ? properties.colour : "#555555";
      const icon = L.divIcon({
        className: "mapa-pin",
        html: dot,
        iconSize: [18, 18],
        iconAnchor: [9, 9],
        popupAnchor: [0, -8],
      });
      const label = [properties.reference, properties.category && properties.category.name]
        .filter(Boolean)
        .join(", ");
      return L.marker(latlng, { icon: icon, title: label, alt: label, riseOnHover: true });
    },

    // GeoJson's onEachFeature for the pins: the popup is built when it opens.
    bindPopup(feature, layer) {
      layer.bindPopup(() => popupContent(feature.properties), { maxWidth: 320, minWidth: 220 });
    },

    outlineStyle() {
      return { color: "#1D3557", weight: 3, opacity: 0.9, fillColor: "#1D3557", fillOpacity: 0.05 };
    },

    // GeoJson's onEachFeature for the outline: the district's name on hover.
    outlineName(feature, layer) {
      layer.bindTooltip(node("span", "", feature.properties.name), { sticky: true });
    },
  };
})();
