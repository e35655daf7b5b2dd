// The consultant's intake form (/staff/intake/): a report taken by phone, SMS, e-mail, chat or
// social media, registered on the caller's behalf through POST /api/staff/reports/. The place
// comes from the address search, the district or the map (the resident form's modules); every
// step works by keyboard alone, and Enter in the address search takes the first result.
import { postJSON } from "../lib/api.js";
import { h, withReference } from "../lib/dom.js";
import { t, format } from "../lib/i18n.js";
import { createMap, addDistricts } from "../map/base.js";
import { LocationPicker } from "../form/location.js";
import { PlaceSearch } from "../form/place-search.js";
import { PhotoField } from "../form/photo.js";
import { categoryAnswers, clearErrors, flatten, showCategoryQuestions, summaryItem } from "../form/report-common.js";

const KEEP_AFTER_SENDING = ["channel", "priority"]; // the next call likely comes the same way

class IntakeForm {
  constructor({ form, result, location, photo }) {
    this.form = form;
    this.result = result;
    this.location = location;
    this.photo = photo;
    this.summary = form.querySelector("#error-summary");
    this.submitButton = form.querySelector("#submit-button");
    this.submitStatus = form.querySelector("#submit-status");
    this.sending = false;
    form.elements.category.addEventListener("change", () => this.categoryChanged());
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      this.send();
    });
    result.querySelector("[data-action=new-report]").addEventListener("click", () => this.startAgain());
    this.categoryChanged({ quiet: true });
  }

  get category() {
    return this.form.elements.category.value;
  }

  /** Only the chosen category's questions are shown, enabled and sent. */
  categoryChanged({ quiet = false } = {}) {
    showCategoryQuestions(this.form, this.category);
    if (!quiet) this.location.refresh(); // the unit may depend on the category
  }

  check() {
    const errors = {};
    if (!this.location.point) errors.location = [t("Choose the place: search for the address, choose the district, or click the map.")];
    if (!this.category) errors.category = [t("Choose what the problem is.")];
    if (!this.form.elements.description.value.trim()) errors.description = [t("Describe the problem.")];
    for (const input of this.form.querySelectorAll(".is-active [data-question-required]")) {
      if (!input.value) errors[`attributes.${input.name.split("__")[2]}`] = [t("This field is required.")];
    }
    return errors;
  }

  payload() {
    const f = this.form.elements;
    const p = this.location.point;
    return {
      channel: f.channel.value,
      priority: f.priority.value,
      category: this.category,
      location: { type: "Point", coordinates: [p.lon, p.lat] },
      location_source: p.source,
      address: f.address.value.trim(),
      attributes: categoryAnswers(this.form, this.category),
      description: f.description.value.trim(),
      name: f.name.value.trim(),
      email: f.email.value.trim(),
      phone: f.phone.value.trim(),
      sms_updates: Boolean(f.sms_updates && f.sms_updates.checked),
      photos: this.photo.id ? [this.photo.id] : [],
    };
  }

  async send() {
    if (this.sending) return;
    this.clearErrors();
    const problems = this.check();
    if (Object.keys(problems).length) {
      this.showErrors(problems);
      return;
    }
    this.sending = true;
    this.submitButton.setAttribute("aria-disabled", "true");
    this.submitStatus.textContent = t("Registering the report…");
    try {
      // An SMS triage case is completed through its own URL (mapa/sms), with the same form.
      const feature = await postJSON(this.form.dataset.submitUrl || "/api/staff/reports/", this.payload());
      this.submitStatus.textContent = "";
      this.showResult(feature);
    } catch (error) {
      this.submitStatus.textContent = "";
      if (error.status === 400 && error.body) {
        this.showErrors(flatten(error.body));
        const outside = error.messages("location");
        if (outside.length) this.location.refuse(outside.join(" "));
      } else {
        const detail = error.body && error.body.detail;
        this.showErrors({ form: [detail || t("The report could not be registered. Please check the connection and try again. Nothing typed is lost.")] });
      }
    } finally {
      this.sending = false;
      this.submitButton.removeAttribute("aria-disabled");
    }
  }

  showResult(feature) {
    const p = feature.properties;
    const set = (name, value) => { this.result.querySelector(`[data-result=${name}]`).textContent = value; };
    set("reference", p.reference);
    set("unit", p.unit.name);
    set("explanation", (p.routing && p.routing.explanation) || "");
    const link = this.result.querySelector("[data-result=link]");
    link.href = this.form.dataset.caseUrl.replace("{reference}", encodeURIComponent(p.reference));
    link.replaceChildren(h("span", {}, withReference(format(t("Open the case %(reference)s"), { reference: p.reference }), p.reference)));
    this.form.hidden = true;
    this.result.hidden = false;
    this.result.focus();
  }

  startAgain() {
    const keep = KEEP_AFTER_SENDING.map((name) => [name, this.form.elements[name].value]);
    this.form.reset();
    for (const [name, value] of keep) this.form.elements[name].value = value;
    this.clearErrors();
    this.photo.clear(false);
    this.categoryChanged({ quiet: true });
    this.location.clear();
    this.result.hidden = true;
    this.form.hidden = false;
    this.form.focus();
  }

  setError(field, message) {
    const slot = document.getElementById(fieldId(field, this.category) + "-error");
    if (!slot) return false;
    slot.textContent = message;
    const wrapper = slot.closest(".field");
    if (wrapper) wrapper.classList.toggle("field--invalid", Boolean(message));
    const input = document.getElementById(fieldId(field, this.category));
    if (input) input.setAttribute("aria-invalid", message ? "true" : "false");
    return true;
  }

  clearErrors() {
    clearErrors(this.form, this.summary);
  }

  /** Each mistake next to its field and, as a link to that field, in the summary (focused). */
  showErrors(errors) {
    const list = this.summary.querySelector("ul");
    list.replaceChildren();
    for (const [field, messages] of Object.entries(errors)) {
      const message = messages.join(" ");
      this.setError(field, message);
      const target = field === "location"
        ? document.getElementById("place-search")
        : document.getElementById(fieldId(field, this.category));
      const label = target && target.id !== "place-search"
        ? (document.querySelector(`label[for="${target.id}"]`)?.firstChild.textContent.trim() || "")
        : (field === "location" ? t("Place") : "");
      list.append(summaryItem(target, label, message));
    }
    this.summary.hidden = false;
    this.summary.focus();
  }
}

/** The id of the input an API field's error belongs to. */
function fieldId(field, category) {
  if (field === "location") return "id_district";
  if (field === "photos") return "id_photo";
  if (field.startsWith("attributes.")) return `id_attr__${category}__${field.slice("attributes.".length)}`;
  return `id_${field}`;
}

function start() {
  const form = document.getElementById("intake-form");
  const mapElement = document.getElementById("map");
  const map = createMap(mapElement);
  mapElement.setAttribute("role", "region");
  mapElement.setAttribute("aria-label", t("Map. Click it to put the report's pin there; the address search and the district do the same without it."));
  addDistricts(map, { fit: true }).catch(() => {});
  const districts = new Map(JSON.parse(document.getElementById("mapa-districts").textContent).map((d) => [d.slug, d]));
  const location = new LocationPicker({
    map,
    sprite: mapElement.dataset.icons,
    form,
    status: document.getElementById("location-status"),
    message: document.getElementById("map-message"),
    districts,
    categoryOf: () => form.elements.category.value,
  });
  const address = form.elements.address;
  new PlaceSearch({
    input: document.getElementById("place-search"),
    list: document.getElementById("place-results"),
    status: document.getElementById("place-search-status"),
    onChoose: (feature) => {
      const [lon, lat] = feature.geometry.coordinates;
      const p = feature.properties;
      if (p.kind !== "district" && (!address.value || address.dataset.filled === "search")) {
        address.value = p.label || p.name;
        address.dataset.filled = "search";
      }
      location.set(lon, lat, p.kind === "district" ? "district" : "address", { pan: true, zoom: p.kind === "district" ? 14 : 17 });
    },
  });
  address.addEventListener("input", () => { delete address.dataset.filled; });
  const photo = new PhotoField({
    input: document.getElementById("id_photo"),
    hiddenId: document.getElementById("photo-id"),
    preview: form.querySelector(".photo-preview"),
    status: document.getElementById("photo-status"),
    error: document.getElementById("id_photo-error"),
    gpsOffer: document.getElementById("photo-gps"),
    maxBytes: Number(form.dataset.photoMaxBytes) || 10 * 1000 * 1000,
    onGps: ({ lon, lat }) => location.set(lon, lat, "photo", { pan: true, zoom: 17 }),
    hasPoint: () => Boolean(location.point),
  });
  const intake = new IntakeForm({ form, result: document.getElementById("result"), location, photo });
  window.mapa = { map, location, intake }; // for the browser tests and the curious
}

start();
