// The report form, enhanced: the category's questions appear with it, mistakes are named
// next to their fields and in a summary, and the report is sent to the JSON API. The same
// form still posts to Django when this script does not run.
import { postJSON } from "../lib/api.js";
import { FilingAttempt, retriable } from "../lib/idempotency.js";
import { h, withReference } from "../lib/dom.js";
import { t, format } from "../lib/i18n.js";
import { categoryAnswers, clearErrors, flatten, showCategoryQuestions, summaryItem } from "./report-common.js";

const FIELD_ERRORS = {
  category: "id_category-error",
  description: "id_description-error",
  address: "id_address-error",
  name: "id_name-error",
  email: "id_email-error",
  phone: "id_phone-error",
  sms_updates: "id_sms_updates-error",
  photos: "photo-error",
  location: "id_district-error",
};
const FIELD_TARGETS = {
  category: () => document.querySelector("input[name=category]:checked") || document.querySelector("input[name=category]"),
  location: () => document.querySelector("[data-action=pin-centre]"),
  photos: () => document.getElementById("id_photo"),
};

export class ReportForm {
  constructor({ form, result, location, photo, categories, reports, submitStatus }) {
    this.form = form;
    this.result = result;
    this.location = location;
    this.photo = photo;
    this.categories = categories;
    this.reports = reports;
    this.submitStatus = submitStatus;
    this.summary = form.querySelector("#error-summary");
    this.submitButton = form.querySelector("#submit-button");
    this.sending = false;
    this.attempt = new FilingAttempt();

    for (const radio of form.querySelectorAll("input[name=category]")) {
      radio.addEventListener("change", () => this.categoryChanged());
    }
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      this.send();
    });
    result.querySelector("[data-action=new-report]").addEventListener("click", () => this.startAgain());
    this.categoryChanged({ quiet: true });
  }

  get category() {
    const checked = this.form.querySelector("input[name=category]:checked");
    return checked ? checked.value : "";
  }

  /** Show only the chosen category's questions; the others are disabled, so never sent. */
  categoryChanged({ quiet = false } = {}) {
    const code = this.category;
    showCategoryQuestions(this.form, code);
    const description = this.form.querySelector("#category-description");
    const chosen = this.form.querySelector(`#category-${CSS.escape(code)}-desc`);
    description.textContent = chosen ? chosen.textContent : "";
    this.setError("category", "");
    if (!quiet) this.location.refresh();
  }

  /** What the resident must fix before sending, checked here to spare a round trip. */
  check() {
    const errors = {};
    if (!this.location.point) errors.location = [t("Choose the place: click the map, search for an address, or choose the district.")];
    if (!this.category) errors.category = [t("Choose what the problem is.")];
    if (!this.form.elements.description.value.trim()) errors.description = [t("Describe the problem.")];
    for (const input of this.form.querySelectorAll("[data-category-fields].is-active [data-question-required]")) {
      if (!input.value) errors[`attributes.${input.name.split("__")[2]}`] = [t("This field is required.")];
    }
    return errors;
  }

  payload() {
    const f = this.form.elements;
    const p = this.location.point;
    return {
      category: this.category,
      location: { type: "Point", coordinates: [p.lon, p.lat] },
      location_source: p.source,
      description: f.description.value,
      address: f.address.value.trim(),
      attributes: categoryAnswers(this.form, this.category),
      name: f.name.value.trim(),
      email: f.email.value.trim(),
      phone: f.phone.value.trim(),
      sms_updates: Boolean(f.sms_updates && f.sms_updates.checked),
      channel: "web",
      photos: this.photo.id ? [this.photo.id] : [],
      // The honeypot: people never fill it; a bot that does is refused.
      website: f.website ? f.website.value : "",
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
    this.submitStatus.textContent = t("Sending your report…");
    try {
      const feature = await this.post(this.payload());
      this.attempt.done();
      this.submitStatus.textContent = "";
      this.showResult(feature);
    } catch (error) {
      this.submitStatus.textContent = "";
      if (error.status === 409) this.attempt.done(); // the key is spent: a new one next time
      if (error.status === 400 && error.body) {
        this.showErrors(flatten(error.body));
        const outside = error.messages("location");
        if (outside.length) this.location.refuse(outside.join(" "));
      } else {
        this.showErrors({ form: [t("The report could not be sent. Please check your connection and try again. Nothing you typed is lost.")] });
      }
    } finally {
      this.sending = false;
      this.submitButton.removeAttribute("aria-disabled");
    }
  }

  /** POST the report with this attempt's Idempotency-Key; once more at once if no answer came. */
  async post(payload) {
    const headers = { "Idempotency-Key": this.attempt.keyFor(payload) };
    try {
      return await postJSON("/api/reports/", payload, { headers });
    } catch (error) {
      if (!retriable(error)) throw error;
      return postJSON("/api/reports/", payload, { headers });
    }
  }

  showResult(feature) {
    const p = feature.properties;
    const set = (name, value) => { this.result.querySelector(`[data-result=${name}]`).textContent = value; };
    set("reference", p.reference);
    set("unit", p.unit.name);
    set("explanation", (p.routing && p.routing.explanation) || "");
    const link = this.result.querySelector("[data-result=link]");
    link.href = p.url;
    link.replaceChildren(h("span", {}, withReference(format(t("Follow your report %(reference)s"), { reference: p.reference }), p.reference)));
    this.form.hidden = true;
    this.result.hidden = false;
    this.result.focus();
    this.location.clear();
    this.reports.addFiled(feature);
  }

  startAgain() {
    const keep = ["name", "email", "phone"].map((name) => [name, this.form.elements[name].value]);
    this.form.reset();
    for (const [name, value] of keep) this.form.elements[name].value = value;
    this.photo.clear(false);
    this.clearErrors();
    this.categoryChanged({ quiet: true });
    this.location.clear();
    this.result.hidden = true;
    this.form.hidden = false;
    this.form.querySelector("#report-heading").scrollIntoView();
    this.form.focus();
  }

  setError(field, message) {
    const slot = document.getElementById(FIELD_ERRORS[field] || `id_${field}-error`);
    if (!slot) return false;
    slot.textContent = message;
    const wrapper = slot.closest(".field");
    if (wrapper) wrapper.classList.toggle("field--invalid", Boolean(message));
    const input = wrapper && wrapper.querySelector("input, select, textarea");
    if (input && input.type !== "hidden") input.setAttribute("aria-invalid", message ? "true" : "false");
    return true;
  }

  clearErrors() {
    clearErrors(this.form, this.summary);
  }

  /** Errors by field next to each field, and all of them in the summary, which takes focus. */
  showErrors(errors) {
    const list = this.summary.querySelector("ul");
    list.replaceChildren();
    for (const [field, messages] of Object.entries(errors)) {
      const message = messages.join(" ");
      let slotField = field;
      let targetId = null;
      if (field.startsWith("attributes.")) {
        slotField = `attr__${this.category}__${field.slice("attributes.".length)}`;
        targetId = `id_${slotField}`;
      }
      this.setError(slotField, message);
      const target = FIELD_TARGETS[field] ? FIELD_TARGETS[field]() : document.getElementById(targetId || `id_${field}`);
      const label = fieldLabel(field, targetId);
      list.append(summaryItem(target, label, message));
    }
    this.summary.hidden = false;
    this.summary.focus();
  }
}

function fieldLabel(field, targetId) {
  if (field === "location") return t("Place");
  if (field === "category") return t("Problem");
  if (field === "photos") return t("Photo");
  if (field === "form" || field === "detail" || field === "non_field_errors") return "";
  const label = document.querySelector(`label[for="${targetId || `id_${field}`}"]`);
  return label ? label.firstChild.textContent.trim() : "";
}
