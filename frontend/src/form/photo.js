// The optional photo: uploaded as soon as it is chosen, so that the server can strip its
// metadata, show a thumbnail and offer the GPS position it carried as the location.
import { postFile } from "../lib/api.js";
import { t, format } from "../lib/i18n.js";

const ACCEPTED = ["image/jpeg", "image/png", "image/webp"];

export class PhotoField {
  constructor({ input, hiddenId, preview, status, error, gpsOffer, maxBytes, onGps, hasPoint }) {
    this.input = input;
    this.hiddenId = hiddenId;
    this.preview = preview;
    this.status = status;
    this.error = error;
    this.gpsOffer = gpsOffer;
    this.maxBytes = maxBytes;
    this.hasPoint = hasPoint;
    this.gps = null;
    input.addEventListener("change", () => this.upload());
    preview.querySelector("[data-action=remove-photo]").addEventListener("click", () => this.clear(true));
    gpsOffer.querySelector("[data-action=use-photo-location]").addEventListener("click", () => {
      if (this.gps) onGps(this.gps);
      gpsOffer.hidden = true;
    });
  }

  get id() {
    return this.hiddenId.value || null;
  }

  async upload() {
    const file = this.input.files && this.input.files[0];
    this.setError("");
    if (!file) return;
    if (file.type && !ACCEPTED.includes(file.type)) {
      this.refuse(t("This file is not a JPEG, PNG or WebP picture. Please choose a photo."));
      return;
    }
    if (file.size > this.maxBytes) {
      this.refuse(format(t("This photo is larger than %(size)s MB. Please choose a smaller one."), { size: Math.floor(this.maxBytes / 1e6) }));
      return;
    }
    this.status.textContent = t("Uploading the photo…");
    let answer;
    try {
      answer = await postFile("/api/photos/", "photo", file);
    } catch (error) {
      const messages = error.messages ? [...error.messages("photo"), ...error.messages("detail")] : [];
      this.refuse(messages.join(" ") || t("The photo could not be uploaded. Please try again."));
      return;
    }
    this.hiddenId.value = answer.id;
    const img = this.preview.querySelector("img");
    img.src = answer.thumbnail_url;
    img.alt = t("Your photo");
    this.preview.querySelector("figcaption").textContent = file.name;
    this.preview.hidden = false;
    this.status.textContent = t("Photo added. Its hidden data (EXIF, GPS) was removed.");
    this.gps = answer.gps;
    this.gpsOffer.hidden = !(answer.gps && !this.hasPoint());
  }

  refuse(message) {
    this.clear(false);
    this.setError(message);
  }

  setError(message) {
    this.error.textContent = message;
    this.input.setAttribute("aria-invalid", message ? "true" : "false");
  }

  clear(announce) {
    this.input.value = "";
    this.hiddenId.value = "";
    this.preview.hidden = true;
    this.gpsOffer.hidden = true;
    this.gps = null;
    this.status.textContent = announce ? t("Photo removed.") : "";
  }
}
