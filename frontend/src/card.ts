// <doorbell-vault-requests-card>: the Footage requests card for dashboards (custom:doorbell-vault-requests-card),
// its own bundle (doorbell-vault-card.js) that Home Assistant loads for every user. Pending requests (agency,
// case, window, time left, verified or not, cameras with footage) and the latest decisions, live through
// `doorbell_vault/card/subscribe`. Administrators get Review (the panel), Decline and Share with my defaults,
// each confirmed in a dialog; household members see it read-only, or nothing when the owner hid it.
import { LitElement, css, html, nothing, type PropertyValues } from "lit";
import { property, query, state } from "lit/decorators.js";

import { decline, errorText, share, subscribeCard } from "./api.js";
import { DoorbellVaultRequestsCardEditor } from "./card-editor.js";
import { formatClock, formatDateTime, formatSpan, formatUtc, ms } from "./format.js";
import { loadStrings, translator } from "./i18n.js";
import { PANEL_PATH, navigate } from "./navigate.js";
import { shared } from "./styles.js";
import type { CardConfig, CardRequest, CardSnapshot, Hass, Translate } from "./types.js";

export const CARD_TYPE = "doorbell-vault-requests-card";
const DECIDED_SHOWN = 5;

type Action = "decline" | "share";

interface Confirming {
  action: Action;
  request: CardRequest;
  busy: boolean;
  error?: string;
  link?: string;
}

/** The card's configuration checked: a clear error for anything else (Home Assistant shows it). */
export function checkConfig(config: unknown): CardConfig {
  if (!config || typeof config !== "object") throw new Error("Invalid configuration");
  const { cameras, show_decided, compact } = config as Record<string, unknown>;
  if (cameras !== undefined && (!Array.isArray(cameras) || cameras.some((c) => typeof c !== "string"))) {
    throw new Error("cameras: a list of camera names");
  }
  for (const [name, value] of [
    ["show_decided", show_decided],
    ["compact", compact],
  ] as const) {
    if (value !== undefined && typeof value !== "boolean") throw new Error(`${name}: true or false`);
  }
  return config as CardConfig;
}

export class DoorbellVaultRequestsCard extends LitElement {
  @property({ attribute: false }) hass?: Hass;
  @state() private config: CardConfig = { type: `custom:${CARD_TYPE}` };
  @state() private t?: Translate;
  @state() private snapshot?: CardSnapshot;
  @state() private error?: string;
  @state() private confirming?: Confirming;
  @state() private now = Date.now();

  @query("dialog") private dialog?: HTMLDialogElement;

  private unsubscribe?: Promise<() => Promise<void>>;
  private language?: string;
  private timer?: number;
  private rendered = false;

  static getConfigElement(): HTMLElement {
    return document.createElement(`${CARD_TYPE}-editor`);
  }

  static getStubConfig(): Omit<CardConfig, "type"> {
    return { show_decided: true, compact: false };
  }

  setConfig(config: unknown): void {
    this.config = checkConfig(config);
  }

  getCardSize(): number {
    return this.config.compact ? 3 : 5;
  }

  connectedCallback(): void {
    super.connectedCallback();
    performance.mark("doorbell-vault:card-connected");
    this.timer = window.setInterval(() => (this.now = Date.now()), 30_000);
    if (this.hass) this.subscribe();
  }

  disconnectedCallback(): void {
    super.disconnectedCallback();
    window.clearInterval(this.timer);
    const unsubscribe = this.unsubscribe;
    this.unsubscribe = undefined;
    if (unsubscribe) unsubscribe.then((stop) => stop()).catch(() => undefined);
  }

  protected willUpdate(changed: PropertyValues<this>): void {
    if (changed.has("hass") && this.hass) {
      if (this.hass.language !== this.language) {
        this.language = this.hass.language;
        loadStrings(this.hass)
          .then((strings) => (this.t = translator(strings)))
          .catch((err: unknown) => {
            this.error = errorText(err);
            this.t = translator({});
          });
      }
      if (!this.unsubscribe && this.isConnected) this.subscribe();
    }
    if (this.snapshot?.visible === false) this.setAttribute("hidden", "");
    else this.removeAttribute("hidden");
  }

  protected updated(): void {
    if (!this.rendered && this.t && this.snapshot) {
      // The bench (scripts/bench panel) reads this: the dashboard opened to the card's list drawn.
      this.rendered = true;
      performance.mark("doorbell-vault:card-rendered");
    }
  }

  private subscribe(): void {
    if (!this.hass || this.unsubscribe) return;
    this.unsubscribe = subscribeCard(
      this.hass,
      (snapshot) => {
        this.snapshot = snapshot;
        this.now = Date.now();
      },
      this.config.show_decided === false ? 0 : DECIDED_SHOWN,
    );
    this.unsubscribe.catch((err: unknown) => {
      this.unsubscribe = undefined;
      this.error = errorText(err);
    });
  }

  /** Only requests with footage on the chosen cameras, when the owner chose some. */
  private chosen(requests: CardRequest[]): CardRequest[] {
    const cameras = this.config.cameras;
    if (!cameras?.length) return requests;
    return requests.filter((r) => r.cameras_with_footage.some((c) => cameras.includes(c)));
  }

  private review(event: Event, id: string): void {
    event.preventDefault();
    navigate(`${PANEL_PATH}/request/${encodeURIComponent(id)}`);
  }

  private ask(action: Action, request: CardRequest): void {
    this.confirming = { action, request, busy: false };
    void this.updateComplete.then(() => this.dialog?.showModal());
  }

  private close(): void {
    this.dialog?.close();
    this.confirming = undefined;
  }

  private async confirm(): Promise<void> {
    const confirming = this.confirming;
    if (!this.hass || !confirming || confirming.busy) return;
    this.confirming = { ...confirming, busy: true, error: undefined };
    const id = confirming.request.request_id;
    try {
      if (confirming.action === "decline") {
        await decline(this.hass, id, "", false);
        this.close();
      } else {
        // Empty options: the owner's sharing defaults (every camera with footage, the whole window).
        const result = await share(this.hass, id, {});
        // The link is shown this once, to whoever shared (never kept by the card).
        this.confirming = { ...confirming, busy: false, link: result.share?.share_url };
      }
    } catch (err: unknown) {
      this.confirming = { ...confirming, busy: false, error: errorText(err) };
    }
  }

  private copy(event: Event): void {
    const input = (event.target as HTMLElement).parentElement?.querySelector("input");
    if (!input) return;
    input.select();
    void navigator.clipboard?.writeText(input.value).catch(() => undefined);
  }

  private renderCameras(request: CardRequest) {
    const t = this.t!;
    const cameras = this.config.cameras?.length
      ? request.cameras_with_footage.filter((c) => this.config.cameras!.includes(c))
      : request.cameras_with_footage;
    if (!cameras.length) return html`<span class="muted no-footage">${t("card_no_footage")}</span>`;
    return html`<span class="cameras" aria-label=${t("card_footage_on")}
      >${cameras.map((c) => html`<span class="chip">${c}</span>`)}</span
    >`;
  }

  private renderPending(request: CardRequest, canDecide: boolean) {
    const t = this.t!;
    const hass = this.hass!;
    const left = ms(request.deadline) - this.now;
    const compact = this.config.compact === true;
    return html`<li class="request" data-request-id=${request.request_id}>
      <div class="line">
        <strong class="agency">${request.agency}</strong>
        <span class="muted case">${request.case_number ?? t("no_case_number")}</span>
        <span
          class="badge ${request.verified ? "verified" : "unverified"}"
          data-verified=${String(request.verified)}
          title=${request.verified ? t("verified_help") : t("unverified_help")}
          >${request.verified ? t("verified") : t("unverified")}</span
        >
        <span class="deadline"
          >${left > 0 ? t("time_left", { span: formatSpan(hass, left) }) : t("deadline_passed")}</span
        >
      </div>
      ${compact
        ? nothing
        : html`<div class="line details">
            <span class="window" title=${`${formatUtc(request.start)} – ${formatUtc(request.end)}`}
              >${formatDateTime(hass, request.start)}
              <span class="muted"
                >${t("window_length", {
                  duration: formatClock((ms(request.end) - ms(request.start)) / 1000),
                })}</span
              ></span
            >
            ${this.renderCameras(request)}
            ${request.problems.length
              ? html`<span class="badge problems"
                  >${t("problem_count", { count: request.problems.length })}</span
                >`
              : nothing}
            ${request.progress ? html`<span class="muted">${request.progress}</span>` : nothing}
          </div>`}
      ${canDecide
        ? html`<div class="actions">
            <a
              class="review"
              href="${PANEL_PATH}/request/${encodeURIComponent(request.request_id)}"
              @click=${(e: Event) => this.review(e, request.request_id)}
              >${t("card_review")}</a
            >
            <button class="decline danger" @click=${() => this.ask("decline", request)}>
              ${t("card_decline")}
            </button>
            <button class="share primary" @click=${() => this.ask("share", request)}>
              ${t("card_share_defaults")}
            </button>
          </div>`
        : nothing}
    </li>`;
  }

  private renderDecided(request: CardRequest) {
    const t = this.t!;
    const by = request.decided_by;
    return html`<li class="decided" data-request-id=${request.request_id}>
      <span class="badge status-${request.status}" data-status=${request.status}
        >${t(`status_${request.status}`)}</span
      >
      <span class="agency">${request.agency}</span>
      <span class="muted">${request.case_number ?? t("no_case_number")}</span>
      ${by
        ? html`<span class="muted by"
            >${by === "user" ? t("card_decided_by_user") : t(`decided_by_${by}`)}</span
          >`
        : nothing}
    </li>`;
  }

  private renderDialog() {
    const t = this.t!;
    const c = this.confirming;
    if (!c) return nothing;
    const values = { agency: c.request.agency, case: c.request.case_number ?? t("no_case_number") };
    const decline = c.action === "decline";
    return html`<dialog
      aria-labelledby="confirm-title"
      @close=${() => (this.confirming = undefined)}
      data-action=${c.action}
    >
      <h2 id="confirm-title">${decline ? t("card_confirm_decline_title") : t("card_confirm_share_title")}</h2>
      ${c.link
        ? html`<p>${t("card_link_once")}</p>
            <div class="row link">
              <input class="share-url" type="text" readonly .value=${c.link} aria-label=${t("card_link")} />
              <button @click=${this.copy}>${t("copy")}</button>
            </div>
            <div class="row end">
              <button class="close primary" @click=${this.close} autofocus>${t("card_close")}</button>
            </div>`
        : html`<p>${decline ? t("card_confirm_decline", values) : t("card_confirm_share", values)}</p>
            ${c.error ? html`<p class="error" role="alert">${c.error}</p>` : nothing}
            <div class="row end">
              <button class="cancel" @click=${this.close} ?disabled=${c.busy} autofocus>${t("cancel")}</button>
              <button
                class="confirm ${decline ? "danger" : "primary"}"
                @click=${() => void this.confirm()}
                ?disabled=${c.busy}
              >
                ${decline ? t("card_decline") : t("card_share_defaults")}
              </button>
            </div>`}
    </dialog>`;
  }

  render() {
    const snapshot = this.snapshot;
    const t = this.t;
    if (snapshot?.visible === false) return nothing;
    if (!t || !snapshot) {
      return html`<ha-card class="card" aria-busy="true">
        ${this.error ? html`<p class="error">${this.error}</p>` : html`<div class="loading"></div>`}
      </ha-card>`;
    }
    const pending = this.chosen(snapshot.pending);
    const decided = this.config.show_decided === false ? [] : this.chosen(snapshot.decided);
    const more = snapshot.pending_total - snapshot.pending.length;
    return html`<ha-card class="card ${this.config.compact ? "compact" : ""}">
      <header>
        <h2>${t("title")}</h2>
        <span class="count badge status-pending" aria-live="polite" data-count=${pending.length}
          >${t("card_pending_count", { count: pending.length })}</span
        >
      </header>
      ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : nothing}
      ${pending.length
        ? html`<ul class="pending">
            ${pending.map((r) => this.renderPending(r, snapshot.can_decide))}
          </ul>`
        : html`<p class="muted empty">${t("card_none_pending")}</p>`}
      ${more > 0
        ? html`<p class="muted more">
            ${snapshot.can_decide
              ? html`<a href=${PANEL_PATH} @click=${(e: Event) => this.review(e, "")}
                  >${t("card_more", { count: more })}</a
                >`
              : t("card_more", { count: more })}
          </p>`
        : nothing}
      ${!snapshot.can_decide ? html`<p class="muted read-only">${t("card_read_only")}</p>` : nothing}
      ${decided.length
        ? html`<h3>${t("card_recent")}</h3>
            <ul class="decided">
              ${decided.map((r) => this.renderDecided(r))}
            </ul>`
        : nothing}
      ${snapshot.can_decide ? this.renderDialog() : nothing}
    </ha-card>`;
  }

  static styles = [
    shared,
    css`
      :host([hidden]) {
        display: none;
      }
      ha-card,
      .card {
        display: block;
        padding: var(--dv-gap);
        margin: 0;
        height: 100%;
      }
      header {
        display: flex;
        align-items: center;
        gap: 8px;
        flex-wrap: wrap;
        margin-bottom: 8px;
      }
      header h2 {
        margin: 0;
        flex: 1;
        min-width: 0;
      }
      ul {
        list-style: none;
        margin: 0;
        padding: 0;
      }
      li.request {
        padding: 10px 0;
        display: flex;
        flex-direction: column;
        gap: 6px;
      }
      li + li {
        border-top: 1px solid var(--dv-border);
      }
      .line {
        display: flex;
        flex-wrap: wrap;
        gap: 6px 10px;
        align-items: center;
        min-width: 0;
      }
      .agency {
        overflow-wrap: anywhere;
      }
      .deadline {
        margin-left: auto;
        font-weight: 500;
        white-space: nowrap;
      }
      .details {
        font-size: 0.9rem;
      }
      .window {
        display: inline-flex;
        flex-wrap: wrap;
        gap: 0 6px;
      }
      .cameras {
        display: inline-flex;
        flex-wrap: wrap;
        gap: 4px;
      }
      .chip {
        border-radius: 999px;
        padding: 1px 8px;
        font-size: 0.8rem;
        background: var(--secondary-background-color, #f3f3f3);
      }
      .problems {
        color: var(--dv-warning);
      }
      .actions {
        display: flex;
        flex-wrap: wrap;
        gap: 8px;
        align-items: center;
      }
      .actions a.review {
        color: var(--dv-accent);
        padding: 8px 4px;
        margin-right: auto;
      }
      a:focus-visible,
      button:focus-visible {
        outline: 2px solid var(--dv-accent);
        outline-offset: 2px;
      }
      li.decided {
        display: flex;
        flex-wrap: wrap;
        gap: 4px 8px;
        align-items: center;
        padding: 6px 0;
        font-size: 0.9rem;
      }
      .by {
        margin-left: auto;
      }
      h3 {
        margin-top: 12px;
      }
      .compact li.request {
        padding: 6px 0;
        gap: 4px;
      }
      .compact .actions button {
        min-height: 32px;
        padding: 4px 10px;
      }
      .more a {
        color: var(--dv-accent);
      }
      .empty,
      .more,
      .read-only {
        margin: 8px 0 0;
      }
      .loading {
        min-height: 80px;
      }
      dialog {
        border: 1px solid var(--dv-border);
        border-radius: var(--ha-card-border-radius, 12px);
        background: var(--dv-card);
        color: var(--primary-text-color, #212121);
        max-width: min(92vw, 440px);
        padding: 20px;
      }
      dialog::backdrop {
        background: rgba(0, 0, 0, 0.4);
      }
      .row.end {
        justify-content: flex-end;
        margin-top: 12px;
      }
      .link input {
        flex: 1;
        min-width: 0;
      }
    `,
  ];
}

interface CustomCardEntry {
  type: string;
  name: string;
  description: string;
  preview?: boolean;
  documentationURL?: string;
}

declare global {
  interface HTMLElementTagNameMap {
    "doorbell-vault-requests-card": DoorbellVaultRequestsCard;
  }
  interface Window {
    customCards?: CustomCardEntry[];
  }
}

/** Define the card and its editor in the page's registry, unless they are defined there already. */
export function defineElements(): void {
  const elements: [string, CustomElementConstructor][] = [
    [CARD_TYPE, DoorbellVaultRequestsCard],
    [`${CARD_TYPE}-editor`, DoorbellVaultRequestsCardEditor],
  ];
  for (const [tag, element] of elements) {
    if (!customElements.get(tag)) customElements.define(tag, element);
  }
}

// Home Assistant loads this module while its own app starts, and its app then replaces
// window.customElements with a scoped-registry polyfill that knows nothing defined before: a card defined
// first was "Configuration error" on about half the page loads (seen in tests/test_panel_e2e.py). Define now
// (a dashboard opened later, or a page without the polyfill), and again once Home Assistant's own root
// element is defined, in the registry that is then the page's.
defineElements();
void customElements.whenDefined("home-assistant").then(defineElements);

// The card picker lists it (its name and description are read before any string can be fetched).
window.customCards = window.customCards ?? [];
if (!window.customCards.some((card) => card.type === CARD_TYPE)) {
  window.customCards.push({
    type: CARD_TYPE,
    name: "Footage requests",
    description: "Pending footage requests and recent decisions; administrators decline or share here.",
    preview: false,
    documentationURL: "https://github.com/doorbell-vault/doorbell-vault#the-dashboard-card",
  });
}
