// What the resident's report form and the consultant's intake form share: reading the
// chosen category's answers, the API's errors as a flat list, clearing and summarising
// mistakes. Each form keeps its own fields, messages and endpoint.
import { h } from "../lib/dom.js";

/** Answers to the chosen category's questions, as the API takes them: {code: value}. */
export function categoryAnswers(form, category) {
  const prefix = `attr__${category}__`;
  const answers = {};
  for (const [name, value] of new FormData(form).entries()) {
    if (!name.startsWith(prefix) || value === "") continue;
    const key = name.slice(prefix.length);
    const input = form.elements[name];
    const many = input instanceof RadioNodeList || (input && input.type === "checkbox");
    if (many) (answers[key] = answers[key] || []).push(value);
    else answers[key] = input && input.type === "number" ? Number(value) : value;
  }
  return answers;
}

/** Show only the chosen category's questions; the others are disabled, so never sent. */
export function showCategoryQuestions(form, category) {
  for (const fieldset of form.querySelectorAll("[data-category-fields]")) {
    const active = fieldset.dataset.categoryFields === category;
    fieldset.classList.toggle("is-active", active);
    fieldset.disabled = !active;
    for (const input of fieldset.querySelectorAll("[data-question-required]")) {
      input.required = active;
      input.setAttribute("aria-required", String(active));
    }
  }
}

/** {"attributes": {"animal": ["…"]}} → {"attributes.animal": ["…"]}; "detail" → "form". */
export function flatten(body) {
  const errors = {};
  for (const [field, value] of Object.entries(body)) {
    if (field === "attributes" && value && !Array.isArray(value) && typeof value === "object") {
      for (const [code, messages] of Object.entries(value)) errors[`attributes.${code}`] = [].concat(messages);
    } else if (field === "detail") {
      errors.form = [String(value)];
    } else {
      errors[field] = [].concat(value).map(String);
    }
  }
  return errors;
}

/** Empty every error slot and hide the summary. */
export function clearErrors(form, summary) {
  for (const slot of form.querySelectorAll(".field-error")) slot.textContent = "";
  for (const field of form.querySelectorAll(".field--invalid")) field.classList.remove("field--invalid");
  for (const input of form.querySelectorAll("[aria-invalid=true]")) input.setAttribute("aria-invalid", "false");
  summary.hidden = true;
}

/** One line of the error summary: a link that focuses the field, or the message alone. */
export function summaryItem(target, label, message) {
  return h("li", {}, target
    ? h("a", { href: `#${target.id}`, onclick: (event) => { event.preventDefault(); target.focus(); } }, label ? `${label} — ${message}` : message)
    : message);
}
