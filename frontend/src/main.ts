// <doorbell-vault-panel>: the "Footage requests" sidebar panel. Home Assistant sets hass, narrow, route
// and panel; the path below /doorbell-vault picks the view: "" inbox, /request/<id>, /masks[/<camera id>]
// (privacy masks), /audit, /transparency.
import { LitElement, css, html, nothing, type PropertyValues } from "lit";
import { customElement, property, state } from "lit/decorators.js";

import { subscribeRequests } from "./api.js";
import { loadStrings, translator } from "./i18n.js";
import { navigate, PANEL_PATH } from "./navigate.js";
import { shared } from "./styles.js";
import type { Change, Hass, PanelRoute, Translate } from "./types.js";
import "./inbox.js";
import "./request-view.js";
import "./masks-view.js";
import "./audit-view.js";
import "./transparency-view.js";

type Tab = "inbox" | "masks" | "audit" | "transparency";

@customElement("doorbell-vault-panel")
export class DoorbellVaultPanel extends LitElement {
  @property({ attribute: false }) hass?: Hass;
  @property({ type: Boolean, reflect: true }) narrow = false;
  @property({ attribute: false }) route?: PanelRoute;
  @property({ attribute: false }) panel?: unknown;

  @state() private t?: Translate;
  @state() private change?: Change;
  @state() private loadError?: string;

  private unsubscribe?: Promise<() => Promise<void>>;
  private serial = 0;
  private language?: string;

  connectedCallback(): void {
    super.connectedCallback();
    performance.mark("doorbell-vault:panel-connected");
    if (this.hass) this.subscribe();
  }

  disconnectedCallback(): void {
    super.disconnectedCallback();
    const unsubscribe = this.unsubscribe;
    this.unsubscribe = undefined;
    if (unsubscribe) {
      unsubscribe.then((stop) => stop()).catch(() => undefined);
    }
  }

  protected willUpdate(changed: PropertyValues<this>): void {
    if (changed.has("hass") && this.hass) {
      if (this.hass.language !== this.language) {
        this.language = this.hass.language;
        loadStrings(this.hass)
          .then((strings) => {
            this.t = translator(strings);
          })
          .catch((err: unknown) => {
            this.loadError = String(err);
            this.t = translator({});
          });
      }
      if (!this.unsubscribe && this.isConnected) this.subscribe();
    }
  }

  private subscribe(): void {
    if (!this.hass || this.unsubscribe) return;
    this.unsubscribe = subscribeRequests(this.hass, (request) => {
      this.serial += 1;
      this.change = { request, serial: this.serial };
    });
    this.unsubscribe.catch((err: unknown) => {
      this.unsubscribe = undefined;
      this.loadError = String((err as { message?: string }).message ?? err);
    });
  }

  private get view(): { tab: Tab; requestId?: string; cameraId?: string } {
    const path = this.route?.path ?? "";
    const parts = path.split("/").filter(Boolean);
    if (parts[0] === "request" && parts[1]) return { tab: "inbox", requestId: decodeURIComponent(parts[1]) };
    if (parts[0] === "masks") return { tab: "masks", cameraId: parts[1] && decodeURIComponent(parts[1]) };
    if (parts[0] === "audit") return { tab: "audit" };
    if (parts[0] === "transparency") return { tab: "transparency" };
    return { tab: "inbox" };
  }

  private go(event: Event, path: string): void {
    event.preventDefault();
    navigate(`${PANEL_PATH}${path}`);
  }

  render() {
    if (!this.hass || !this.t) return html`<div class="loading"></div>`;
    const t = this.t;
    const view = this.view;
    const tabs: [Tab, string, string][] = [
      ["inbox", "", t("tab_inbox")],
      ["masks", "/masks", t("tab_masks")],
      ["audit", "/audit", t("tab_audit")],
      ["transparency", "/transparency", t("tab_transparency")],
    ];
    return html`
      <header class="toolbar">
        <ha-menu-button .hass=${this.hass} .narrow=${this.narrow}></ha-menu-button>
        <div class="title">${t("title")}</div>
      </header>
      <nav class="tabs" aria-label=${t("title")}>
        ${tabs.map(
          ([tab, path, label]) => html`<a
            href="${PANEL_PATH}${path}"
            class=${view.tab === tab && !(tab === "inbox" && view.requestId) ? "active" : ""}
            aria-current=${view.tab === tab ? "page" : "false"}
            @click=${(e: Event) => this.go(e, path)}
            >${label}</a
          >`,
        )}
      </nav>
      <main>
        ${this.loadError ? html`<p class="error">${this.loadError}</p>` : nothing}
        ${view.requestId
          ? html`<dv-request-view
              .hass=${this.hass}
              .t=${t}
              .requestId=${view.requestId}
              .change=${this.change}
              .narrow=${this.narrow}
            ></dv-request-view>`
          : view.tab === "masks"
            ? html`<dv-masks-view .hass=${this.hass} .t=${t} .cameraId=${view.cameraId}></dv-masks-view>`
            : view.tab === "audit"
            ? html`<dv-audit-view .hass=${this.hass} .t=${t}></dv-audit-view>`
            : view.tab === "transparency"
              ? html`<dv-transparency-view .hass=${this.hass} .t=${t}></dv-transparency-view>`
              : html`<dv-inbox .hass=${this.hass} .t=${t} .change=${this.change}></dv-inbox>`}
      </main>
    `;
  }

  static styles = [
    shared,
    css`
      :host {
        min-height: 100vh;
        background: var(--primary-background-color, #fafafa);
      }
      .toolbar {
        display: flex;
        align-items: center;
        height: var(--header-height, 56px);
        padding: 0 12px;
        gap: 8px;
        background: var(--app-header-background-color, var(--primary-color, #03a9f4));
        color: var(--app-header-text-color, #fff);
        box-sizing: border-box;
      }
      .title {
        font-size: 1.25rem;
        margin-left: 4px;
      }
      .tabs {
        display: flex;
        gap: 4px;
        padding: 0 12px;
        background: var(--app-header-background-color, var(--primary-color, #03a9f4));
        overflow-x: auto;
      }
      .tabs a {
        color: var(--app-header-text-color, #fff);
        opacity: 0.8;
        text-decoration: none;
        padding: 10px 14px;
        border-bottom: 2px solid transparent;
        white-space: nowrap;
      }
      .tabs a.active {
        opacity: 1;
        border-bottom-color: currentColor;
      }
      main {
        padding: var(--dv-gap);
        max-width: 1200px;
        margin: 0 auto;
        box-sizing: border-box;
      }
      :host([narrow]) main {
        padding: 8px;
      }
    `,
  ];
}

declare global {
  interface HTMLElementTagNameMap {
    "doorbell-vault-panel": DoorbellVaultPanel;
  }
}
