// Building DOM without innerHTML: text from users always goes in as text nodes.

const SVG = "http://www.w3.org/2000/svg";

/**
 * h("p", { class: "x", dataset: { id: 1 } }, "text", child) → an element.
 * Attributes whose value is false, null or undefined are left out.
 */
export function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === false || value === null || value === undefined) continue;
    if (name === "dataset") Object.assign(element.dataset, value);
    // Through CSSOM: the Content-Security-Policy refuses a style attribute (setAttribute).
    else if (name === "style") element.style.cssText = String(value);
    else if (name.startsWith("on") && typeof value === "function") element.addEventListener(name.slice(2), value);
    else element.setAttribute(name, value === true ? "" : String(value));
  }
  append(element, children);
  return element;
}

function append(element, children) {
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    element.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/** A decorative icon from the sprite (the text beside it carries the meaning). */
export function icon(spriteUrl, name, className = "") {
  const svg = document.createElementNS(SVG, "svg");
  svg.setAttribute("class", `icon ${className}`.trim());
  svg.setAttribute("aria-hidden", "true");
  svg.setAttribute("focusable", "false");
  const use = document.createElementNS(SVG, "use");
  use.setAttribute("href", `${spriteUrl}#icon-${name || "other"}`);
  svg.append(use);
  return svg;
}

/** Replace an element's children. */
export function replaceChildren(element, ...children) {
  element.replaceChildren();
  append(element, children);
}

/** Debounce a function by `ms` milliseconds. */
export function debounce(fn, ms) {
  let timer;
  return (...args) => {
    clearTimeout(timer);
    timer = setTimeout(() => fn(...args), ms);
  };
}

/**
 * A translated sentence with a reference number in it, as nodes: the reference is kept on
 * one line ("GD-2026-000123" must not break at its hyphens).
 */
export function withReference(sentence, reference) {
  const [before, after = ""] = sentence.split(reference);
  return [before, h("span", { class: "nowrap" }, reference), after];
}
