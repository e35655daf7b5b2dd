// Dates and times on the staff pages, in the page's language and Gdańsk's time zone.
import { language } from "../lib/i18n.js";

const ZONE = "Europe/Warsaw";

/** "12 Mar 2026, 14:05" (or Polish), or "" for no date. */
export function dateTime(iso) {
  if (!iso) return "";
  return new Intl.DateTimeFormat(language(), { dateStyle: "medium", timeStyle: "short", timeZone: ZONE })
    .format(new Date(iso));
}

/** "12 Mar 2026" (or Polish), or "" for no date. */
export function date(iso) {
  if (!iso) return "";
  return new Intl.DateTimeFormat(language(), { dateStyle: "medium", timeZone: ZONE }).format(new Date(iso));
}
