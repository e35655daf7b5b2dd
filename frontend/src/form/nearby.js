// "Is it one of these?": open reports within 250 m of the pin, nearest first, before sending.
import { getJSON, postJSON, ApiError } from "../lib/api.js";
import { h, icon, withReference } from "../lib/dom.js";
import { t, tn, format, distance, age } from "../lib/i18n.js";

export const NEARBY_METRES = 250;

export class NearbyList {
  constructor({ section, list, status, sprite, categories, email }) {
    this.email = email; // the report form's e-mail field, to offer what was typed there
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
        this.meToo(p.reference),
      ),
    );
  }

  /** "Me too": follow this report by e-mail instead of sending it again (double opt-in).
   * The list sits inside the report form, so this is a group of controls, not a form:
   * Enter in its e-mail field sends the follow, never the report. */
  meToo(reference) {
    const id = `me-too-${reference}`;
    const input = h("input", { type: "email", id: `${id}-email`, autocomplete: "email", "aria-describedby": `${id}-status` });
    const status = h("p", { class: "me-too-status", id: `${id}-status`, role: "status", "aria-live": "polite" });
    const send = h("button", { type: "button", class: "button button--primary" }, t("Send the link"));
    const panel = h("div", { class: "me-too-panel", id: `${id}-panel`, role: "group", "aria-label": format(t("Follow report %(reference)s by e-mail"), { reference }), hidden: true },
      h("label", { for: input.id }, t("Your e-mail")),
      h("div", { class: "me-too-row" }, input, send),
      h("p", { class: "help" }, t("We send a link to confirm; then every public update and the resolution. Nothing before you confirm.")),
      status,
    );
    const toggle = h("button", { type: "button", class: "button button--secondary me-too", "aria-expanded": "false", "aria-controls": panel.id },
      t("Me too — follow by e-mail"));
    toggle.addEventListener("click", () => {
      const open = panel.hidden;
      panel.hidden = !open;
      toggle.setAttribute("aria-expanded", String(open));
      if (open) {
        if (!input.value && this.email && this.email.value) input.value = this.email.value;
        input.focus();
      }
    });
    const submit = async () => {
      status.textContent = "";
      input.removeAttribute("aria-invalid");
      send.disabled = true;
      try {
        const answer = await postJSON("/api/alerts/follows/", { reference, email: input.value.trim() });
        status.textContent = answer.detail;
      } catch (error) {
        const messages = error instanceof ApiError ? [...error.messages("email"), ...error.messages("reference")] : [];
        status.textContent = messages.join(" ") || t("Sending failed. Please try again.");
        if (error instanceof ApiError && error.messages("email").length) input.setAttribute("aria-invalid", "true");
        input.focus();
      } finally {
        send.disabled = false;
      }
    };
    send.addEventListener("click", submit);
    input.addEventListener("keydown", (event) => {
      if (event.key === "Enter") {
        event.preventDefault();
        submit();
      }
    });
    return h("div", { class: "me-too-box" }, toggle, panel);
  }

  hide() {
    this.section.hidden = true;
    this.list.replaceChildren();
    this.status.textContent = "";
  }
}
