// <dv-side-by-side>: a redaction preview: the original (cut from the keyframe before the window) and its
// redacted render, two videos of signed URLs that play together from one button (or a click on either).
import { LitElement, css, html, type PropertyValues } from "lit";
import { customElement, property, state } from "lit/decorators.js";

import { shared } from "./styles.js";
import type { RedactionPreview, Translate } from "./types.js";

@customElement("dv-side-by-side")
export class DvSideBySide extends LitElement {
  @property({ attribute: false }) t!: Translate;
  @property({ attribute: false }) preview!: RedactionPreview;

  @state() private playing = false;

  protected willUpdate(changed: PropertyValues<this>): void {
    if (changed.has("preview")) this.playing = false;
  }

  /** Where a video's window starts: the original is cut from the keyframe before it, the render is not. */
  private lead(video: HTMLVideoElement): number {
    return video.classList.contains("original") ? (this.preview.original_lead_s ?? 0) : 0;
  }

  private get videos(): HTMLVideoElement[] {
    return [...this.renderRoot.querySelectorAll<HTMLVideoElement>("video")];
  }

  /** The original opens at the window's start, as the render does. */
  private onMetadata(event: Event): void {
    const video = event.target as HTMLVideoElement;
    const lead = this.lead(video);
    if (lead > 0 && video.currentTime < lead) video.currentTime = lead;
  }

  /** Play both from the same moment of the window, or pause both. */
  private playBoth(): void {
    const videos = this.videos;
    if (this.playing) {
      for (const video of videos) video.pause();
      this.playing = false;
      return;
    }
    const redacted = videos.find((v) => v.classList.contains("redacted"));
    const moment = redacted && !redacted.ended ? redacted.currentTime : 0;
    for (const video of videos) {
      video.currentTime = moment + this.lead(video);
      void video.play().catch(() => undefined);
    }
    this.playing = true;
  }

  private renderVideo(kind: "original" | "redacted", url: string, caption: string) {
    return html`<figure>
      <figcaption>${caption}</figcaption>
      <video
        class=${kind}
        src=${url}
        muted
        playsinline
        preload="auto"
        @loadedmetadata=${this.onMetadata}
        @ended=${() => (this.playing = false)}
        @click=${() => this.playBoth()}
      ></video>
    </figure>`;
  }

  render() {
    const t = this.t;
    const preview = this.preview;
    return html`<div class="side-by-side" data-faces=${preview.faces}>
        ${this.renderVideo("original", preview.original_url, t("redaction_original"))}
        ${this.renderVideo("redacted", preview.redacted_url, t("redaction_redacted"))}
      </div>
      <div class="row">
        <button class="play-both primary" @click=${() => this.playBoth()}>
          ${this.playing ? t("pause") : t("redaction_play_both")}
        </button>
      </div>
      <p class="muted preview-note">
        ${t("redaction_preview_note", { seconds: Math.round(preview.seconds), faces: preview.faces })}
      </p>`;
  }

  static styles = [
    shared,
    css`
      .side-by-side {
        display: grid;
        grid-template-columns: repeat(auto-fit, minmax(160px, 1fr));
        gap: 8px;
        margin: 8px 0;
      }
      figure {
        margin: 0;
      }
      figcaption {
        font-size: 0.85rem;
        color: var(--dv-muted);
        margin-bottom: 4px;
      }
      video {
        width: 100%;
        background: #000;
        border-radius: 6px;
        cursor: pointer;
      }
    `,
  ];
}

declare global {
  interface HTMLElementTagNameMap {
    "dv-side-by-side": DvSideBySide;
  }
}
