// Where the problem is: a draggable pin, set by click or tap, by keyboard, by the device,
// by a photo, by an address search or by choosing a district. Every point is checked with
// the routing API, which says the district, or why Mapa cannot take a point (e.g. Sopot).
import L from "leaflet";
import { getJSON } from "../lib/api.js";
import { debounce } from "../lib/dom.js";
import { t, format } from "../lib/i18n.js";
import { draftPinIcon } from "../map/pins.js";

const NUDGE_PIXELS = 10; // one arrow-key press; with Shift, five times as far

export class LocationPicker extends EventTarget {
  constructor({ map, sprite, form, status, message, districts, categoryOf }) {
    super();
    this.map = map;
    this.sprite = sprite;
    this.form = form;
    this.statusEl = status;
    this.messageEl = message;
    this.districts = districts; // slug → {name, lon, lat}
    this.categoryOf = categoryOf; // () => the chosen category code, or ""
    this.point = null; // {lon, lat, source, district}
    this.marker = null;
    this.sequence = 0;
    this.lon = form.elements.lon;
    this.lat = form.elements.lat;
    this.source = form.elements.location_source;
    this.districtSelect = form.elements.district;
    this.checkSoon = debounce((lon, lat, source) => this.set(lon, lat, source, { pan: false }), 350);

    map.on("click", (event) => this.set(event.latlng.lng, event.latlng.lat, "pin", { pan: false }));
    map.getContainer().addEventListener("keydown", (event) => this.mapKey(event));
    this.districtSelect.addEventListener("change", () => this.chooseDistrict());
    message.querySelector("[data-action=close-message]").addEventListener("click", () => this.hideMessage());
  }

  /** Enter or Space on the focused map puts the pin in its centre. */
  mapKey(event) {
    if (event.target !== this.map.getContainer()) return;
    if (event.key === "Enter" || event.key === " ") {
      event.preventDefault();
      this.pinCentre();
    }
  }

  async pinCentre() {
    const centre = this.map.getCenter();
    const ok = await this.set(centre.lng, centre.lat, "pin", { pan: false });
    if (ok && this.marker) this.marker.getElement()?.focus();
  }

  locate() {
    if (!("geolocation" in navigator)) {
      this.say(t("This browser cannot tell its location. Click the map or search for an address instead."));
      return;
    }
    this.say(t("Finding your location…"));
    navigator.geolocation.getCurrentPosition(
      (position) => this.set(position.coords.longitude, position.coords.latitude, "device", { pan: true, zoom: 17 }),
      () => this.say(t("We could not get your location. Click the map or search for an address instead.")),
      { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 },
    );
  }

  chooseDistrict() {
    const district = this.districts.get(this.districtSelect.value);
    if (!district) return;
    this.set(district.lon, district.lat, "district", { pan: true, zoom: 14 });
  }

  /**
   * Check a point and, if Mapa serves it, put the pin there. Returns true when set.
   * A point outside the city leaves the previous pin (and everything typed) as it was.
   */
  async set(lon, lat, source, { pan = true, zoom = null } = {}) {
    const sequence = ++this.sequence;
    const params = { lon: lon.toFixed(7), lat: lat.toFixed(7) };
    const category = this.categoryOf();
    if (category) params.category = category;
    let answer;
    try {
      answer = await getJSON("/api/routing/", params);
    } catch (error) {
      if (sequence !== this.sequence) return false;
      const messages = error.messages ? error.messages("location") : [];
      if (messages.length) {
        this.refuse(messages.join(" "));
      } else {
        this.say(t("The place could not be checked. Please try again."));
        this.revertMarker();
      }
      return false;
    }
    if (sequence !== this.sequence) return false;
    this.hideMessage();
    this.point = { lon, lat, source, district: answer.district, unit: answer.unit || null };
    this.lon.value = lon.toFixed(7);
    this.lat.value = lat.toFixed(7);
    this.source.value = source;
    if (answer.district && this.districtSelect.value !== answer.district.slug) {
      this.districtSelect.value = answer.district.slug;
    }
    this.placeMarker(lat, lon);
    if (pan) this.map.setView([lat, lon], zoom || Math.max(this.map.getZoom(), 16));
    this.describe();
    this.dispatchEvent(new CustomEvent("change", { detail: this.point }));
    return true;
  }

  /** Re-check the current point (e.g. the category changed, so the unit may too). */
  refresh() {
    if (this.point) this.set(this.point.lon, this.point.lat, this.point.source, { pan: false });
  }

  describe() {
    const p = this.point;
    const district = p.district ? p.district.name : "";
    let text;
    if (p.source === "district") {
      text = format(t("Approximate place: the middle of %(district)s. Say below where exactly it is."), { district });
    } else {
      text = format(t("Pin placed in %(district)s."), { district });
      if (p.source === "pin") text += ` ${t("Drag it, or use the arrow keys when it has focus, to move it.")}`;
    }
    if (p.unit) text += ` ${format(t("It will go to %(unit)s."), { unit: p.unit.name })}`;
    this.say(text, "is-set");
  }

  refuse(message) {
    this.showMessage(message);
    this.say(`${message} ${this.point ? t("The pin stays where it was.") : ""}`.trim(), "is-outside");
    this.revertMarker();
  }

  placeMarker(lat, lon) {
    if (!this.marker) {
      this.marker = L.marker([lat, lon], {
        icon: draftPinIcon(this.sprite),
        draggable: true,
        keyboard: true,
        autoPan: true,
        zIndexOffset: 1000,
        title: t("Your report's pin"),
      }).addTo(this.map);
      this.marker.on("dragend", () => {
        const at = this.marker.getLatLng();
        this.set(at.lng, at.lat, "pin", { pan: false });
      });
      const element = this.marker.getElement();
      element.setAttribute("role", "button");
      element.setAttribute("aria-label", t("Your report's pin. Arrow keys move it; Shift moves it further."));
      element.addEventListener("keydown", (event) => this.nudge(event));
    } else {
      this.marker.setLatLng([lat, lon]);
    }
  }

  /** Arrow keys move the focused pin; the new place is checked and read back once it rests. */
  nudge(event) {
    const steps = { ArrowUp: [0, -1], ArrowDown: [0, 1], ArrowLeft: [-1, 0], ArrowRight: [1, 0] };
    const step = steps[event.key];
    if (!step) return;
    event.preventDefault();
    event.stopPropagation();
    const distance = NUDGE_PIXELS * (event.shiftKey ? 5 : 1);
    const at = this.map.latLngToContainerPoint(this.marker.getLatLng());
    const moved = this.map.containerPointToLatLng(at.add(L.point(step[0] * distance, step[1] * distance)));
    this.marker.setLatLng(moved);
    if (!this.map.getBounds().pad(-0.1).contains(moved)) this.map.panTo(moved);
    this.checkSoon(moved.lng, moved.lat, "pin");
  }

  revertMarker() {
    if (!this.marker) return;
    if (this.point) this.marker.setLatLng([this.point.lat, this.point.lon]);
    else {
      this.marker.remove();
      this.marker = null;
    }
  }

  clear() {
    this.sequence++;
    this.point = null;
    this.lon.value = "";
    this.lat.value = "";
    this.source.value = "";
    this.districtSelect.value = "";
    if (this.marker) {
      this.marker.remove();
      this.marker = null;
    }
    this.hideMessage();
    this.say(this.statusEl.dataset.emptyText);
  }

  say(text, state = "") {
    this.statusEl.textContent = text;
    this.statusEl.classList.toggle("is-set", state === "is-set");
    this.statusEl.classList.toggle("is-outside", state === "is-outside");
  }

  showMessage(text) {
    this.messageEl.querySelector("#map-message-text").textContent = text;
    this.messageEl.hidden = false;
  }

  hideMessage() {
    this.messageEl.hidden = true;
  }
}
