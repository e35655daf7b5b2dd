// One Idempotency-Key per filing attempt: a double click, a retry after a network error or
// a lost answer sends the same key, so the server files one report and answers the retry
// with the first answer. A new key only for new content, or after a success.

/** A random UUID (v4); crypto.randomUUID needs a secure context, getRandomValues does not. */
export function newKey() {
  if (typeof crypto.randomUUID === "function") return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = (bytes[6] & 0x0f) | 0x40;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export class FilingAttempt {
  constructor() {
    this.content = null;
    this.key = null;
  }

  /** The key for sending `payload`: the same as last time while the content is the same. */
  keyFor(payload) {
    const content = JSON.stringify(payload);
    if (content !== this.content) {
      this.content = content;
      this.key = newKey();
    }
    return this.key;
  }

  /** Filed (or refused for good): the next filing is a new attempt. */
  done() {
    this.content = null;
    this.key = null;
  }
}

/** Worth sending again with the same key: no answer came, or the server could not finish. */
export function retriable(error) {
  return error.status === undefined || error.status === 502 || error.status === 503 || error.status === 504;
}
