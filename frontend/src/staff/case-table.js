// The dispatcher's table: the loaded cases, sorted by a column's heading and shown a page at a
// time. It is the map's text alternative: every pin is a row here, with a link to the case.
import { h } from "../lib/dom.js";
import { t, format } from "../lib/i18n.js";
import { date, dateTime } from "./format.js";

export const PAGE_SIZE = 25;
const STATUS_ORDER = ["new", "accepted", "in_progress", "resolved", "rejected", "duplicate"];
const PRIORITY_ORDER = ["urgent", "high", "normal", "low"];

const KEYS = {
  reference: (p) => p.reference,
  category: (p) => p.category.name,
  status: (p) => STATUS_ORDER.indexOf(p.status),
  district: (p) => (p.district ? p.district.name : null),
  unit: (p) => p.unit.name,
  priority: (p) => PRIORITY_ORDER.indexOf(p.priority),
  due: (p) => (p.due_at ? Date.parse(p.due_at) : null),
  created: (p) => Date.parse(p.created_at),
};

export class CaseTable {
  /**
   * @param table      the <table>; its headings carry data-sort and a button each
   * @param pager      the paging controls (data-page=previous|next) and #pager-status
   * @param priorities code → label
   * @param onChange   called with {sort, dir, page} when the user sorts or pages
   */
  constructor({ table, pager, priorities, onChange }) {
    this.table = table;
    this.body = table.querySelector("tbody");
    this.pager = pager;
    this.pagerStatus = pager.querySelector("#pager-status");
    this.priorities = priorities;
    this.onChange = onChange;
    this.features = [];
    this.sort = "created";
    this.dir = "desc";
    this.page = 1;
    for (const th of table.querySelectorAll("th[data-sort]")) {
      th.querySelector("button").addEventListener("click", () => this.sortBy(th.dataset.sort));
    }
    pager.querySelector("[data-page=previous]").addEventListener("click", () => this.goTo(this.page - 1));
    pager.querySelector("[data-page=next]").addEventListener("click", () => this.goTo(this.page + 1));
    // A click anywhere on a row opens its case, as the reference's link does.
    this.body.addEventListener("click", (event) => {
      const row = event.target.closest("tr[data-href]");
      if (row && !event.target.closest("a")) window.location.assign(row.dataset.href);
    });
  }

  get pages() {
    return Math.max(1, Math.ceil(this.features.length / PAGE_SIZE));
  }

  show(features, { sort = this.sort, dir = this.dir, page = this.page } = {}) {
    this.features = features;
    this.sort = sort;
    this.dir = dir;
    this.page = Math.min(Math.max(1, page), this.pages);
    this.render();
  }

  sortBy(column) {
    if (this.sort === column) this.dir = this.dir === "asc" ? "desc" : "asc";
    else {
      this.sort = column;
      // The newest first; otherwise A to Z, the most urgent and the soonest due first.
      this.dir = column === "created" ? "desc" : "asc";
    }
    this.page = 1;
    this.render();
    this.onChange({ sort: this.sort, dir: this.dir, page: this.page });
  }

  goTo(page) {
    if (page < 1 || page > this.pages) return;
    this.page = page;
    this.render();
    this.onChange({ sort: this.sort, dir: this.dir, page: this.page });
    this.table.closest("section").querySelector("h2").scrollIntoView({ block: "nearest" });
  }

  sorted() {
    const key = KEYS[this.sort] || KEYS.created;
    const sign = this.dir === "asc" ? 1 : -1;
    return [...this.features].sort((a, b) => {
      const x = key(a.properties);
      const y = key(b.properties);
      if (x === y) return Date.parse(b.properties.created_at) - Date.parse(a.properties.created_at);
      if (x === null || x === undefined) return 1; // no district or due date: always last
      if (y === null || y === undefined) return -1;
      const order = typeof x === "string" ? x.localeCompare(y, document.documentElement.lang) : x - y;
      return sign * order;
    });
  }

  render() {
    for (const th of this.table.querySelectorAll("th[data-sort]")) {
      const active = th.dataset.sort === this.sort;
      th.setAttribute("aria-sort", active ? (this.dir === "asc" ? "ascending" : "descending") : "none");
    }
    const start = (this.page - 1) * PAGE_SIZE;
    const rows = this.sorted().slice(start, start + PAGE_SIZE).map((feature) => this.row(feature));
    if (!rows.length) {
      rows.push(h("tr", {}, h("td", { colspan: 8, class: "case-table-empty" }, t("No case matches these filters."))));
    }
    this.body.replaceChildren(...rows);
    this.table.setAttribute("aria-busy", "false");
    const count = this.features.length;
    this.pagerStatus.textContent = count
      ? format(t("Page %(page)s of %(pages)s: cases %(first)s–%(last)s of %(count)s"), {
        page: this.page, pages: this.pages, first: start + 1, last: Math.min(start + PAGE_SIZE, count), count,
      })
      : "";
    this.pager.querySelector("[data-page=previous]").disabled = this.page <= 1;
    this.pager.querySelector("[data-page=next]").disabled = this.page >= this.pages;
  }

  row(feature) {
    const p = feature.properties;
    const due = p.due_at
      ? [h("time", { datetime: p.due_at }, date(p.due_at)),
        p.overdue ? h("span", { class: "badge badge--overdue" }, t("overdue")) : null]
      : "—";
    return h("tr", { dataset: { href: p.staff_url, reference: p.reference } },
      h("th", { scope: "row" },
        h("a", { href: p.staff_url, class: "reference nowrap" }, p.reference)),
      h("td", {}, p.category.name),
      h("td", {}, h("span", { class: `status status--${p.status}` }, p.status_label),
        p.held ? [" ", h("span", { class: "badge badge--held" }, t("held for review"))] : null),
      h("td", {}, p.district ? p.district.name : "—"),
      h("td", {}, p.unit.name),
      h("td", {}, h("span", { class: `priority priority--${p.priority}` }, this.priorities.get(p.priority) || p.priority)),
      h("td", {}, due),
      h("td", {}, h("time", { datetime: p.created_at }, dateTime(p.created_at))),
    );
  }
}
