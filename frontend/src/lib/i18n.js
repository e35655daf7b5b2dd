// Strings for the scripts come from Django's JavaScript catalogue (/jsi18n/, djangojs.po),
// loaded before the modules. Without it (a failed request) the English msgid is shown.

/** Translate a message. */
export function t(message) {
  return typeof window.gettext === "function" ? window.gettext(message) : message;
}

/** Translate a message with a count: ngettext("%s report", "%s reports", n). */
export function tn(singular, plural, count) {
  if (typeof window.ngettext === "function") return window.ngettext(singular, plural, count);
  return count === 1 ? singular : plural;
}

/** Fill %(name)s placeholders: format(t("Sent to %(unit)s."), { unit }). */
export function format(template, values) {
  return template.replace(/%\((\w+)\)s/g, (match, key) => (key in values ? String(values[key]) : match));
}

/** The page's language, as the server chose it (pl or en). */
export function language() {
  return document.documentElement.lang || "pl";
}

/** "120 m" or "1.2 km" in the page's language. */
export function distance(metres) {
  const formatter = new Intl.NumberFormat(language(), { maximumFractionDigits: metres < 1000 ? 0 : 1 });
  return metres < 1000 ? `${formatter.format(metres)} m` : `${formatter.format(metres / 1000)} km`;
}

/** "3 days ago", "just now": how old a report is, in the page's language. */
export function age(isoDate, now = Date.now()) {
  const seconds = Math.round((new Date(isoDate).getTime() - now) / 1000);
  const rtf = new Intl.RelativeTimeFormat(language(), { numeric: "auto" });
  const steps = [
    ["year", 365 * 86400], ["month", 30 * 86400], ["week", 7 * 86400],
    ["day", 86400], ["hour", 3600], ["minute", 60],
  ];
  for (const [unit, size] of steps) {
    if (Math.abs(seconds) >= size) return rtf.format(Math.round(seconds / size), unit);
  }
  return t("just now");
}
