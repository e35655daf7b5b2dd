// The admin's map widgets (mapa/core/widgets.py) without inline code, so that the admin
// works under the Content-Security-Policy: each widget's options are a JSON data block
// beside it (<script type="application/json" id="<field>_mapa_options">), read here.
// Tiles come from MAPA_TILE_URL, like the public map; without it, no base layer.
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  for (const block of document.querySelectorAll('script[type="application/json"][id$="_mapa_options"]')) {
    const options = JSON.parse(block.textContent);
    options.base_layer = options.tile_url
      ? new ol.layer.Tile({
          source: new ol.source.XYZ({
            url: options.tile_url.replace("{s}", "{a-c}"),
            attributions: options.tile_attribution,
            maxZoom: 19,
          }),
        })
      : new ol.layer.Vector({ source: new ol.source.Vector() });
    window[options.module] = new MapWidget(options);
  }
});
