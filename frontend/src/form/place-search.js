// "Skip the map": search the project's own address and place table (/api/places/).
// An ARIA 1.2 combobox: type, arrow through the results, Enter chooses, Escape closes.
import { getJSON } from "../lib/api.js";
import { h, debounce } from "../lib/dom.js";
import { t, tn, format } from "../lib/i18n.js";

const MIN_CHARS = 2;

export class PlaceSearch {
  constructor({ input, list, status, onChoose }) {
    this.input = input;
    this.list = list;
    this.status = status;
    this.onChoose = onChoose;
    this.results = [];
    this.active = -1;
    this.controller = null;
    this.search = debounce(() => this.fetch(), 200);
    input.addEventListener("input", () => this.search());
    input.addEventListener("keydown", (event) => this.key(event));
    input.addEventListener("blur", () => setTimeout(() => this.close(), 150));
    list.addEventListener("mousedown", (event) => event.preventDefault()); // keep focus in the input
    list.addEventListener("click", (event) => {
      const option = event.target.closest("[role=option]");
      if (option) this.choose(Number(option.dataset.index));
    });
  }

  async fetch() {
    const q = this.input.value.trim();
    if (q.length < MIN_CHARS) {
      this.close();
      return;
    }
    if (this.controller) this.controller.abort();
    this.controller = new AbortController();
    let collection;
    try {
      collection = await getJSON("/api/places/", { q, limit: 8 }, { signal: this.controller.signal });
    } catch (error) {
      if (error.name === "AbortError") return;
      this.show([], t("The search is not available right now. Choose the district instead."));
      return;
    }
    if (q !== this.input.value.trim()) return;
    const count = collection.features.length;
    this.show(
      collection.features,
      count ? format(tn("%(count)s place found. Use the arrow keys to choose.", "%(count)s places found. Use the arrow keys to choose.", count), { count })
            : t("Nothing found. Try another spelling, or choose the district."),
    );
  }

  show(features, announcement) {
    this.results = features;
    this.active = -1;
    this.list.replaceChildren();
    features.forEach((feature, index) => {
      const p = feature.properties;
      const meta = [kindLabel(p.kind), p.district ? p.district.name : ""].filter(Boolean).join(" · ");
      this.list.append(
        h("li", { id: `place-option-${index}`, role: "option", "aria-selected": "false", dataset: { index } },
          h("span", { class: "place-label" }, p.label || p.name),
          meta ? h("span", { class: "place-meta" }, meta) : null,
        ),
      );
    });
    if (!features.length) {
      this.list.append(h("li", { class: "combobox-empty", role: "option", "aria-disabled": "true", "aria-selected": "false" }, announcement));
    }
    this.list.hidden = false;
    this.input.setAttribute("aria-expanded", "true");
    this.input.removeAttribute("aria-activedescendant");
    this.status.textContent = announcement;
  }

  key(event) {
    const open = !this.list.hidden && this.results.length > 0;
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      if (!open) return;
      event.preventDefault();
      const delta = event.key === "ArrowDown" ? 1 : -1;
      this.highlight((this.active + delta + this.results.length) % this.results.length);
    } else if (event.key === "Enter") {
      if (open) {
        event.preventDefault(); // never submit the form from the search box
        this.choose(this.active >= 0 ? this.active : 0);
      } else if (this.input.value.trim()) {
        event.preventDefault();
        this.fetch();
      }
    } else if (event.key === "Escape") {
      if (!this.list.hidden) {
        event.preventDefault();
        this.close();
      }
    }
  }

  highlight(index) {
    this.active = index;
    for (const option of this.list.querySelectorAll("[role=option]")) {
      const selected = Number(option.dataset.index) === index;
      option.setAttribute("aria-selected", selected ? "true" : "false");
      if (selected) option.scrollIntoView({ block: "nearest" });
    }
    this.input.setAttribute("aria-activedescendant", `place-option-${index}`);
  }

  choose(index) {
    const feature = this.results[index];
    if (!feature) return;
    this.input.value = feature.properties.label || feature.properties.name;
    this.close();
    this.onChoose(feature);
  }

  close() {
    this.list.hidden = true;
    this.input.setAttribute("aria-expanded", "false");
    this.input.removeAttribute("aria-activedescendant");
  }
}

function kindLabel(kind) {
  return { address: t("address"), poi: t("place"), district: t("district") }[kind] || "";
}
