// "Is it one of these?": open reports within 250 m of the pin, nearest first, before sending.
import { getJSON } from "../lib/api.js";
import { h, icon, withReference } from "../lib/dom.js";
import { t, tn, format, distance, age } from "../lib/i18n.js";

export const NEARBY_METRES = 250;

export class NearbyList {
  constructor({ section, list, status, sprite, categories }) {
    this.section = section;
    this.list = list;
    this.status = status;
    this.sprite = sprite;
    this.categories = categories;
    this.controller = null;
  }

  async show(lon, lat) {
    if (this.controller) this.controller.abort();
    this.controller = new AbortController();
    let collection;
    try {
      collection = await getJSON("/api/reports/nearby/", { lon: lon.toFixed(7), lat: lat.toFixed(7), radius: NEARBY_METRES },
        { signal: this.controller.signal });
    } catch (error) {
      if (error.name !== "AbortError") this.hide();
      return;
    }
    const features = collection.features;
    this.section.hidden = false;
    this.list.replaceChildren(...features.map((feature) => this.item(feature)));
    this.status.textContent = features.length
      ? format(tn(
          "%(count)s open report within %(metres)s m of your pin. If yours is among them, you can follow it instead of sending it again.",
          "%(count)s open reports within %(metres)s m of your pin. If yours is among them, you can follow it instead of sending it again.",
          features.length), { count: features.length, metres: NEARBY_METRES })
      : format(t("No open reports within %(metres)s m of your pin. Yours will be the first."), { metres: NEARBY_METRES });
  }

  item(feature) {
    const p = feature.properties;
    const known = this.categories.get(p.category.code) || {};
    const group = (known.group || "other").replace(/[^a-z-]/g, "");
    const thumb = p.thumbnail_url
      ? h("img", { class: "nearby-thumb", src: p.thumbnail_url, alt: format(t("Photo of report %(reference)s"), { reference: p.reference }), width: 56, height: 56 })
      : h("span", { class: `nearby-thumb cat-${group}` }, icon(this.sprite, p.category.icon));
    return h("li", { class: "nearby-item" },
      thumb,
      h("div", {},
        h("p", { class: "nearby-title" },
          h("span", { class: "nearby-distance" }, format(t("%(distance)s away"), { distance: distance(p.distance_m) })),
          h("span", {}, p.category.name),
        ),
        h("p", { class: "nearby-desc" }, p.description),
        h("p", { class: "nearby-meta" },
          `${p.status_label} · ${format(t("reported %(age)s"), { age: age(p.created_at) })} · `,
          h("a", { href: p.url, target: "_blank", rel: "noopener" },
            withReference(format(t("Follow report %(reference)s"), { reference: p.reference }), p.reference),
            h("span", { class: "visually-hidden" }, ` ${t("(opens in a new tab)")}`)),
        ),
      ),
    );
  }

  hide() {
    this.section.hidden = true;
    this.list.replaceChildren();
    this.status.textContent = "";
  }
}
