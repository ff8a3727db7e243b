// <doorbell-vault-requests-card-editor>: the card's visual editor in the dashboard's card dialog. Which
// cameras (none ticked: every request), whether to show the latest decisions, compact rows. Plain labelled
// form controls (keyboard and screen readers as the browser gives them); the camera names come from the
// card's own subscription, read once.
import { LitElement, css, html, nothing, type PropertyValues } from "lit";
import { property, state } from "lit/decorators.js";

import { subscribeCard } from "./api.js";
import { loadStrings, translator } from "./i18n.js";
import { shared } from "./styles.js";
import type { CardConfig, Hass, Translate } from "./types.js";

// Defined by card.ts (defineElements), in the registry Home Assistant's frontend uses.
export class DoorbellVaultRequestsCardEditor extends LitElement {
  @property({ attribute: false }) hass?: Hass;
  @state() private config?: CardConfig;
  @state() private t?: Translate;
  @state() private cameras?: string[];

  private asked = false;

  setConfig(config: CardConfig): void {
    this.config = config;
  }

  protected willUpdate(changed: PropertyValues<this>): void {
    if (!changed.has("hass") || !this.hass || this.asked) return;
    this.asked = true;
    const hass = this.hass;
    loadStrings(hass)
      .then((strings) => (this.t = translator(strings)))
      .catch(() => (this.t = translator({})));
    const once = subscribeCard(
      hass,
      (snapshot) => {
        this.cameras = snapshot.visible ? snapshot.cameras : [];
        void once.then((stop) => stop()).catch(() => undefined);
      },
      0,
    );
    once.catch(() => (this.cameras = []));
  }

  private change(update: Partial<CardConfig>): void {
    if (!this.config) return;
    const config: CardConfig = { ...this.config, ...update };
    if (config.cameras && !config.cameras.length) delete config.cameras;
    this.config = config;
    this.dispatchEvent(new CustomEvent("config-changed", { detail: { config }, bubbles: true, composed: true }));
  }

  private toggleCamera(name: string, on: boolean): void {
    const chosen = new Set(this.config?.cameras ?? []);
    if (on) chosen.add(name);
    else chosen.delete(name);
    this.change({ cameras: (this.cameras ?? []).filter((c) => chosen.has(c)) });
  }

  render() {
    const t = this.t;
    const config = this.config;
    if (!t || !config) return nothing;
    const chosen = config.cameras ?? [];
    return html`
      <fieldset>
        <legend>${t("card_editor_cameras")}</legend>
        <p class="muted">${t("card_editor_cameras_help")}</p>
        ${(this.cameras ?? []).map(
          (name) => html`<label class="check"
            ><input
              type="checkbox"
              name="camera"
              .value=${name}
              .checked=${chosen.includes(name)}
              @change=${(e: Event) => this.toggleCamera(name, (e.target as HTMLInputElement).checked)}
            />${name}</label
          >`,
        )}
      </fieldset>
      <label class="check"
        ><input
          type="checkbox"
          name="show_decided"
          .checked=${config.show_decided !== false}
          @change=${(e: Event) => this.change({ show_decided: (e.target as HTMLInputElement).checked })}
        />${t("card_editor_show_decided")}</label
      >
      <label class="check"
        ><input
          type="checkbox"
          name="compact"
          .checked=${config.compact === true}
          @change=${(e: Event) => this.change({ compact: (e.target as HTMLInputElement).checked })}
        />${t("card_editor_compact")}</label
      >
    `;
  }

  static styles = [
    shared,
    css`
      fieldset {
        border: 1px solid var(--dv-border);
        border-radius: 8px;
        margin: 0 0 12px;
        padding: 8px 12px;
      }
      .check {
        display: flex;
        align-items: center;
        gap: 8px;
        min-height: 40px;
      }
      input[type="checkbox"] {
        width: 20px;
        height: 20px;
      }
      p {
        margin: 0 0 4px;
      }
    `,
  ];
}

declare global {
  interface HTMLElementTagNameMap {
    "doorbell-vault-requests-card-editor": DoorbellVaultRequestsCardEditor;
  }
}
