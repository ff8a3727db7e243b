// Transparency: the report drawn as plain SVG/CSS charts, and its Markdown/CSV downloads.
import { LitElement, css, html, nothing, svg } from "lit";
import { customElement, property, state } from "lit/decorators.js";

import { errorText, getReport } from "./api.js";
import { download } from "./download.js";
import { formatNumber } from "./format.js";
import { shared } from "./styles.js";
import type { Hass, Report, Translate } from "./types.js";

const OUTCOME_COLOURS: Record<string, string> = {
  pending: "var(--dv-warning)",
  shared: "var(--dv-accent)",
  declined: "var(--dv-error)",
  rejected: "#8e24aa",
  expired: "#9e9e9e",
  withdrawn: "#6d4c41",
  revoked: "#ef6c00",
};

function count(value: number | string | undefined): number {
  return typeof value === "number" ? value : 0;
}

function colour(outcome: string): string {
  return OUTCOME_COLOURS[outcome] ?? "#607d8b";
}

@customElement("dv-transparency-view")
export class DvTransparencyView extends LitElement {
  @property({ attribute: false }) hass!: Hass;
  @property({ attribute: false }) t!: Translate;

  @state() private report?: Report;
  @state() private error?: string;

  connectedCallback(): void {
    super.connectedCallback();
    getReport(this.hass)
      .then((report) => (this.report = report))
      .catch((err: unknown) => (this.error = errorText(err)));
  }

  private months(report: Report) {
    const t = this.t;
    const rows = report.by_month;
    const outcomes = Object.keys(report.by_outcome);
    const totals = rows.map((row) =>
      outcomes.reduce((sum, o) => sum + count(row[o]), 0),
    );
    const max = Math.max(1, ...totals);
    const barWidth = 28;
    const gap = 12;
    const height = 160;
    const width = Math.max(200, rows.length * (barWidth + gap) + gap);
    return html`
      <div class="chart-scroll">
        <svg class="months" viewBox="0 0 ${width} ${height + 24}" width=${width} height=${height + 24} role="img"
          aria-label=${t("chart_by_month")}>
          ${rows.map((row, i) => {
            let y = height;
            const x = gap + i * (barWidth + gap);
            return svg`<g>
              ${outcomes.map((o) => {
                const value = count(row[o]);
                const h = (value / max) * (height - 8);
                y -= h;
                return value
                  ? svg`<rect x=${x} y=${y} width=${barWidth} height=${h} fill=${colour(o)}><title>${row.month}: ${t(`status_${o}`)} ${value}</title></rect>`
                  : nothing;
              })}
              <text x=${x + barWidth / 2} y=${height + 16} text-anchor="middle" class="axis">${row.month.slice(2)}</text>
            </g>`;
          })}
        </svg>
      </div>
      <div class="legend">
        ${outcomes.map(
          (o) => html`<span><i style="background:${colour(o)}"></i>${t(`status_${o}`)}</span>`,
        )}
      </div>
    `;
  }

  private bars(values: Record<string, number>, label: (key: string) => string, colourOf?: (key: string) => string) {
    const entries = Object.entries(values).sort((a, b) => b[1] - a[1]);
    const max = Math.max(1, ...entries.map(([, v]) => v));
    if (!entries.length) return html`<p class="muted">${this.t("no_data")}</p>`;
    return html`<ul class="bars">
      ${entries.map(
        ([key, value]) => html`<li>
          <span class="bar-label">${label(key)}</span>
          <span class="bar-track"
            ><span
              class="bar"
              style="width:${(value / max) * 100}%;background:${colourOf ? colourOf(key) : "var(--dv-accent)"}"
            ></span
          ></span>
          <span class="bar-value">${formatNumber(this.hass, value)}</span>
        </li>`,
      )}
    </ul>`;
  }

  /** One bar per agency, split by outcome; its length is the agency's total. */
  private stacked(values: Record<string, Record<string, number>>) {
    const entries = Object.entries(values).sort((a, b) => (b[1].total ?? 0) - (a[1].total ?? 0));
    const max = Math.max(1, ...entries.map(([, v]) => v.total ?? 0));
    if (!entries.length) return html`<p class="muted">${this.t("no_data")}</p>`;
    return html`<ul class="bars">
      ${entries.map(
        ([agency, counts]) => html`<li>
          <span class="bar-label" title=${agency}>${agency}</span>
          <span class="bar-track stack"
            >${Object.entries(counts)
              .filter(([outcome, n]) => outcome !== "total" && n > 0)
              .map(
                ([outcome, n]) =>
                  html`<span
                    class="bar"
                    title="${this.t(`status_${outcome}`)}: ${n}"
                    style="width:${(n / max) * 100}%;background:${colour(outcome)}"
                  ></span>`,
              )}</span
          >
          <span class="bar-value">${formatNumber(this.hass, counts.total ?? 0)}</span>
        </li>`,
      )}
    </ul>`;
  }

  render() {
    const t = this.t;
    const report = this.report;
    if (this.error) return html`<p class="error">${this.error}</p>`;
    if (!report) return html`<p class="muted">${t("loading")}</p>`;
    return html`
      <section class="card figures">
        <div class="figure">
          <span class="value">${report.median_minutes_to_decision === null
            ? "—"
            : formatNumber(this.hass, report.median_minutes_to_decision, 1)}</span>
          <span class="muted">${t("median_minutes")}</span>
        </div>
        <div class="figure">
          <span class="value">${formatNumber(this.hass, report.minutes_shared, 1)}</span>
          <span class="muted">${t("minutes_shared")}</span>
        </div>
        <div class="figure">
          <span class="value">${formatNumber(this.hass, report.downloads)}</span>
          <span class="muted">${t("downloads_total")}</span>
        </div>
        <div class="row downloads">
          <button @click=${() => void download(this.hass, report.markdown_url)}>${t("download_markdown")}</button>
          <button @click=${() => void download(this.hass, report.csv_url)}>${t("download_csv")}</button>
        </div>
      </section>
      <section class="card">
        <h2>${t("chart_by_month")}</h2>
        ${report.by_month.length ? this.months(report) : html`<p class="muted">${t("no_data")}</p>`}
      </section>
      <div class="grid">
        <section class="card">
          <h2>${t("chart_by_outcome")}</h2>
          ${this.bars(report.by_outcome, (k) => t(`status_${k}`), colour)}
        </section>
        <section class="card">
          <h2>${t("chart_by_agency")}</h2>
          ${this.stacked(report.by_agency)}
        </section>
        <section class="card">
          <h2>${t("chart_by_legal_basis")}</h2>
          ${this.bars(report.by_legal_basis, (k) => t(`legal_basis_${k}`))}
        </section>
      </div>
    `;
  }

  static styles = [
    shared,
    css`
      .figures {
        display: flex;
        flex-wrap: wrap;
        gap: 24px;
        align-items: center;
      }
      .figure {
        display: flex;
        flex-direction: column;
      }
      .figure .value {
        font-size: 2rem;
        font-weight: 500;
      }
      .downloads {
        margin-left: auto;
      }
      .grid {
        display: grid;
        grid-template-columns: repeat(auto-fit, minmax(280px, 1fr));
        gap: var(--dv-gap);
      }
      .chart-scroll {
        overflow-x: auto;
      }
      .axis {
        font-size: 10px;
        fill: var(--dv-muted);
      }
      .legend {
        display: flex;
        flex-wrap: wrap;
        gap: 12px;
        font-size: 0.85rem;
        margin-top: 8px;
      }
      .legend i {
        display: inline-block;
        width: 10px;
        height: 10px;
        margin-right: 4px;
        border-radius: 2px;
      }
      ul.bars {
        list-style: none;
        padding: 0;
        margin: 0;
      }
      ul.bars li {
        display: grid;
        grid-template-columns: minmax(0, 9em) minmax(0, 1fr) 3em;
        gap: 8px;
        align-items: center;
        margin: 6px 0;
      }
      .bar-label {
        overflow: hidden;
        text-overflow: ellipsis;
        white-space: nowrap;
      }
      .bar-track {
        background: var(--secondary-background-color, #eee);
        border-radius: 4px;
        height: 14px;
        overflow: hidden;
      }
      .bar {
        display: block;
        height: 100%;
      }
      .stack {
        display: flex;
      }
      .bar-value {
        text-align: right;
        font-variant-numeric: tabular-nums;
      }
    `,
  ];
}
