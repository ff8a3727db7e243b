// <dv-masks-view>: the "Privacy masks" tab: the hub's cameras, and the mask editor of the one chosen
// (/doorbell-vault/masks/<camera id>; the first camera when none is named).
import { LitElement, css, html, nothing } from "lit";
import { customElement, property, state } from "lit/decorators.js";

import { errorText } from "./api.js";
import { listCameras } from "./masks-api.js";
import "./masks-editor.js";
import { masksPath, navigate } from "./navigate.js";
import { shared } from "./styles.js";
import type { CameraRef, Hass, Translate } from "./types.js";

@customElement("dv-masks-view")
export class DvMasksView extends LitElement {
  @property({ attribute: false }) hass!: Hass;
  @property({ attribute: false }) t!: Translate;
  @property({ attribute: false }) cameraId?: string;

  @state() private cameras?: CameraRef[];
  @state() private error?: string;

  connectedCallback(): void {
    super.connectedCallback();
    listCameras(this.hass)
      .then((cameras) => (this.cameras = cameras))
      .catch((err: unknown) => (this.error = errorText(err)));
  }

  private go(event: Event, cameraId: string): void {
    event.preventDefault();
    navigate(masksPath(cameraId), true);
  }

  render() {
    const t = this.t;
    if (this.error) return html`<p class="card error">${this.error}</p>`;
    if (!this.cameras) return html`<p class="muted">${t("loading")}</p>`;
    if (!this.cameras.length) return html`<p class="muted">${t("no_cameras")}</p>`;
    const chosen = this.cameras.find((c) => c.camera_id === this.cameraId) ?? this.cameras[0];
    return html`
      <p class="muted intro">${t("masks_intro")}</p>
      ${this.cameras.length > 1
        ? html`<nav class="row cameras" aria-label=${t("masks_cameras")}>
            ${this.cameras.map(
              (camera) => html`<a
                href=${masksPath(camera.camera_id)}
                class=${camera === chosen ? "active" : ""}
                aria-current=${camera === chosen ? "page" : "false"}
                data-camera=${camera.camera_id}
                @click=${(e: Event) => this.go(e, camera.camera_id)}
                >${camera.name}</a
              >`,
            )}
          </nav>`
        : nothing}
      <dv-masks-editor .hass=${this.hass} .t=${t} .cameraId=${chosen.camera_id}></dv-masks-editor>
    `;
  }

  static styles = [
    shared,
    css`
      .intro {
        margin-top: 0;
      }
      nav.cameras {
        margin-bottom: 12px;
      }
      nav.cameras a {
        padding: 8px 14px;
        border-radius: 999px;
        border: 1px solid var(--dv-border);
        color: inherit;
        text-decoration: none;
      }
      nav.cameras a.active {
        border-color: var(--dv-accent);
        color: var(--dv-accent);
        font-weight: 500;
      }
    `,
  ];
}

declare global {
  interface HTMLElementTagNameMap {
    "dv-masks-view": DvMasksView;
  }
}
