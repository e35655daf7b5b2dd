// A case's page (/staff/r/<reference>/): the server renders the case; this script sends its
// forms to the staff API with the version shown (If-Match), names mistakes next to their
// fields, says who changed the case first when the version is stale, and after a change
// reloads the case from the page so that the history, status and actions are current.
import { postJSON } from "../lib/api.js";
import { h } from "../lib/dom.js";
import { t, format } from "../lib/i18n.js";
import { placeMap } from "../map/place-map.js";

const CONFLICT = new Set([409, 412]);

class CasePage {
  constructor() {
    this.root = document.getElementById("case");
    this.message = document.getElementById("case-message");
    const templates = JSON.parse(document.getElementById("response-templates").textContent);
    this.templates = new Map(templates.map((template) => [String(template.id), template.text]));
    this.sending = false;
    this.bind();
  }

  get version() {
    return this.root.dataset.version;
  }

  /** Wire up what #case holds (again after each reload). */
  bind() {
    const mapElement = this.root.querySelector("#report-map");
    if (mapElement) placeMap(mapElement);
    for (const form of this.root.querySelectorAll("form.case-action")) {
      form.addEventListener("submit", (event) => {
        event.preventDefault();
        this.send(form);
      });
    }
    for (const select of this.root.querySelectorAll("[data-template-for]")) {
      select.addEventListener("change", () => this.useTemplate(select));
    }
    const status = this.root.querySelector("#transition-status");
    if (status) {
      status.addEventListener("change", () => this.noteNeeded(status));
      this.noteNeeded(status);
    }
  }

  /** A ready answer fills the public note, to be edited before sending. */
  useTemplate(select) {
    const text = this.templates.get(select.value);
    if (text === undefined) return;
    const note = document.getElementById(select.dataset.templateFor);
    note.value = text;
    note.focus();
    note.setSelectionRange(note.value.length, note.value.length);
  }

  /** Resolving or rejecting answers the resident: the public note is required then. */
  noteNeeded(status) {
    const needs = status.dataset.needsPublicNote.split(",").includes(status.value);
    const note = this.root.querySelector("#transition-public_note");
    note.required = needs;
    note.setAttribute("aria-required", String(needs));
  }

  payload(form) {
    const data = {};
    for (const element of form.elements) {
      if (element.name) data[element.name] = element.value.trim();
    }
    return data;
  }

  /** What can be checked before asking the server (it checks everything again). */
  check(form, data) {
    const errors = {};
    for (const element of form.querySelectorAll("[required]")) {
      if (!data[element.name]) errors[element.name] = [t("This field is required.")];
    }
    if (form.id === "note" && !data.public_note && !data.internal_note) {
      errors.internal_note = [t("Write a public update or an internal note.")];
    }
    return errors;
  }

  async send(form) {
    if (this.sending) return;
    this.clearErrors(form);
    const data = this.payload(form);
    const problems = this.check(form, data);
    if (Object.keys(problems).length) {
      this.fieldErrors(form, problems);
      return;
    }
    const button = form.querySelector("[type=submit]");
    this.sending = true;
    button.setAttribute("aria-disabled", "true");
    try {
      await postJSON(`${this.root.dataset.api}${form.dataset.endpoint}`, data, {
        headers: { "If-Match": `"${this.version}"` },
      });
    } catch (error) {
      this.refused(form, error);
      return;
    } finally {
      this.sending = false;
      button.removeAttribute("aria-disabled");
    }
    await this.reload(this.done(form, data));
  }

  /** What the page says after a change. */
  done(form, data) {
    const chosen = (name) => {
      const select = form.elements[name];
      return select && select.selectedOptions.length ? select.selectedOptions[0].textContent.trim() : "";
    };
    switch (form.id) {
      case "transition": return format(t("Done: the case is now “%(status)s”."), { status: chosen("status") });
      case "reroute": return format(t("Done: the case is sent to %(unit)s."), { unit: chosen("unit") });
      case "duplicate": return format(t("Done: the case is closed as a duplicate of %(reference)s."), { reference: data.of });
      case "unduplicate": return t("Done: the case is accepted again.");
      case "review": return data.decision === "release"
        ? t("Done: the report is released; its unit and the resident are told.")
        : t("Done: the report is rejected; it stays hidden.");
      default: return t("Done: the note is added.");
    }
  }

  /** Load the page again and put its #case in place of ours. */
  async reload(text) {
    let response;
    try {
      response = await fetch(window.location.href, { credentials: "same-origin", headers: { Accept: "text/html" } });
    } catch {
      response = null;
    }
    if (response && response.status === 404) {
      // Re-routed away from the user's units: the case is no longer theirs to see.
      this.root.replaceChildren(h("p", {}, t("This case is no longer among the cases you can see.")));
      this.say(text);
      return;
    }
    const fresh = response && response.ok
      ? new DOMParser().parseFromString(await response.text(), "text/html").getElementById("case")
      : null;
    if (!fresh) {
      window.location.reload();
      return;
    }
    this.root.dataset.version = fresh.dataset.version;
    this.root.replaceChildren(...fresh.childNodes);
    this.bind();
    this.say(text);
  }

  say(text) {
    this.message.textContent = text;
    this.message.hidden = false;
    this.message.focus();
  }

  refused(form, error) {
    const body = error.body || {};
    if (CONFLICT.has(error.status) && body.changed_by) {
      this.formError(form, body.detail, true);
    } else if (error.status === 400 && Object.keys(body).length) {
      this.fieldErrors(form, body);
    } else if (body.detail) {
      this.formError(form, body.detail);
    } else {
      this.formError(form, t("The change could not be sent. Please check your connection and try again."));
    }
  }

  /** Messages next to their fields; those with no field of this form go above the button. */
  fieldErrors(form, errors) {
    let first = null;
    const other = [];
    for (const [field, messages] of Object.entries(errors)) {
      const text = [].concat(messages).map(String).join(" ");
      const slot = document.getElementById(`${form.id}-${field}-error`);
      const input = form.elements[field];
      if (!slot || !input) {
        other.push(text);
        continue;
      }
      slot.textContent = text;
      slot.closest(".field").classList.add("field--invalid");
      input.setAttribute("aria-invalid", "true");
      first = first || input;
    }
    if (other.length) this.formError(form, other.join(" "));
    if (first) first.focus();
    return Boolean(first);
  }

  formError(form, text, conflict = false) {
    const slot = document.getElementById(`${form.id}-error`);
    slot.replaceChildren(h("p", {}, text));
    if (conflict) {
      slot.append(h("p", {}, h("a", { href: window.location.pathname }, t("Reload the case to see the change"))));
    }
  }

  clearErrors(form) {
    for (const slot of form.querySelectorAll(".field-error")) slot.textContent = "";
    for (const field of form.querySelectorAll(".field--invalid")) field.classList.remove("field--invalid");
    for (const input of form.querySelectorAll("[aria-invalid]")) input.removeAttribute("aria-invalid");
    document.getElementById(`${form.id}-error`).replaceChildren();
    this.message.hidden = true;
  }
}

window.mapa = { casePage: new CasePage() };
