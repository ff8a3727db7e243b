// Audit: the signing key's fingerprint to give each agency once; check the hash chain (showing the first
// bad entry) and export it.
import { LitElement, css, html, nothing } from "lit";
import { customElement, property, state } from "lit/decorators.js";

import { errorText, exportAudit, getFingerprint, verifyAudit } from "./api.js";
import { download } from "./download.js";
import { formatNumber } from "./format.js";
import { shared } from "./styles.js";
import type { AuditExport, AuditVerify, Hass, KeyFingerprint, Translate } from "./types.js";

@customElement("dv-audit-view")
export class DvAuditView extends LitElement {
  @property({ attribute: false }) hass!: Hass;
  @property({ attribute: false }) t!: Translate;

  @state() private result?: AuditVerify;
  @state() private exported?: AuditExport;
  @state() private error?: string;
  @state() private busy = false;
  @state() private key?: KeyFingerprint;
  @state() private keyError?: string;

  connectedCallback(): void {
    super.connectedCallback();
    if (!this.key) void this.loadKey();
  }

  private async loadKey(): Promise<void> {
    try {
      this.key = await getFingerprint(this.hass);
      this.keyError = undefined;
    } catch (err) {
      this.keyError = errorText(err);
    }
  }

  private async verify(): Promise<void> {
    this.busy = true;
    this.error = undefined;
    try {
      this.result = await verifyAudit(this.hass);
    } catch (err) {
      this.error = errorText(err);
    } finally {
      this.busy = false;
    }
  }

  private async export(): Promise<void> {
    this.busy = true;
    this.error = undefined;
    try {
      this.exported = await exportAudit(this.hass);
      await download(this.hass, this.exported.url);
    } catch (err) {
      this.error = errorText(err);
    } finally {
      this.busy = false;
    }
  }

  render() {
    const t = this.t;
    const result = this.result;
    const fingerprint = this.key?.fingerprint;
    return html`
      <section class="card key" data-loaded=${String(Boolean(fingerprint))}>
        <h2>${t("fingerprint_heading")}</h2>
        <p><strong>${t("fingerprint_give_once")}</strong></p>
        <p class="muted">${t("fingerprint_help")}</p>
        ${fingerprint
          ? html`<p class="hash fingerprint-hex" aria-label=${t("fingerprint_hex")}>${fingerprint.hex}</p>
              <p class="fingerprint-words" aria-label=${t("fingerprint_words")}>${fingerprint.words}</p>`
          : this.keyError
            ? html`<p class="error">${this.keyError}</p>`
            : this.key
              ? html`<p class="muted">${t("fingerprint_none")}</p>`
              : nothing}
      </section>
      <section class="card">
        <h2>${t("audit_heading")}</h2>
        <p class="muted">${t("audit_help")}</p>
        <div class="row">
          <button class="primary verify" ?disabled=${this.busy} @click=${() => void this.verify()}>
            ${t("audit_verify")}
          </button>
          <button class="export" ?disabled=${this.busy} @click=${() => void this.export()}>
            ${t("audit_export")}
          </button>
        </div>
        ${this.error ? html`<p class="error">${this.error}</p>` : nothing}
        ${result
          ? html`<div class="result ${result.ok ? "ok" : "bad"}" data-ok=${String(result.ok)}>
              <p>
                <strong>${result.ok ? t("audit_ok") : t("audit_broken")}</strong>
                ${t("audit_entries", { count: formatNumber(this.hass, result.entries) })}
              </p>
              ${result.head ? html`<p class="hash">${t("audit_head")}: ${result.head}</p>` : nothing}
              ${result.problem
                ? html`<p class="problem">
                    ${t("audit_problem", {
                      seq: result.problem.seq,
                      kind: result.problem.kind,
                      reason: result.problem.reason,
                    })}
                  </p>`
                : nothing}
            </div>`
          : nothing}
        ${this.exported
          ? html`<p class="muted exported">
              ${t("audit_exported", { path: this.exported.path, count: this.exported.entries })}
            </p>`
          : nothing}
      </section>
    `;
  }

  static styles = [
    shared,
    css`
      .result {
        margin-top: 12px;
        padding: 12px;
        border-radius: 8px;
        border-left: 4px solid var(--dv-success);
        background: var(--secondary-background-color, #f3f3f3);
      }
      .result.bad {
        border-left-color: var(--dv-error);
      }
      .hash {
        font-family: monospace;
        overflow-wrap: anywhere;
      }
      .key {
        margin-bottom: 16px;
      }
      .fingerprint-hex {
        font-size: 1.05rem;
        letter-spacing: 0.02em;
      }
      .fingerprint-words {
        font-weight: 500;
        overflow-wrap: anywhere;
      }
    `,
  ];
}
