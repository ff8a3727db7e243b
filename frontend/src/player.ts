// <dv-player>: one camera over exactly the asked window, stitched from its recorded segments. One <video>
// plays the segments one after another (each a signed URL of the authenticated segment view); a custom
// scrubber spans the window, draws the footage, the gaps and the part chosen for sharing, and seeks.
import { LitElement, css, html, nothing, type PropertyValues } from "lit";
import { customElement, property, query, state } from "lit/decorators.js";

import { signPath } from "./api.js";
import { formatClock, formatTime, formatUtc, isoOf, ms } from "./format.js";
import { shared } from "./styles.js";
import type { CameraFootage, Hass, Translate } from "./types.js";

interface Piece {
  start: number;
  end: number;
  url: string;
}

@customElement("dv-player")
export class DvPlayer extends LitElement {
  @property({ attribute: false }) hass!: Hass;
  @property({ attribute: false }) t!: Translate;
  @property({ attribute: false }) camera!: CameraFootage;
  /** The asked window, epoch milliseconds. */
  @property({ type: Number }) windowStart = 0;
  @property({ type: Number }) windowEnd = 0;
  /** The part chosen for sharing. */
  @property({ type: Number }) trimStart = 0;
  @property({ type: Number }) trimEnd = 0;

  @state() private position = 0;
  @state() private playing = false;
  @state() private muted = true;
  @state() private error?: string;

  @query("video") private video?: HTMLVideoElement;

  private pieces: Piece[] = [];
  private current = -1;
  private signed = new Map<string, string>();
  private base = 0;
  private pendingOffset = 0;

  protected willUpdate(changed: PropertyValues<this>): void {
    if (changed.has("camera") || changed.has("windowStart") || changed.has("windowEnd")) {
      const previous = this.pieces.map((p) => p.url).join();
      this.pieces = (this.camera?.segments ?? [])
        .map((s) => ({ start: ms(s.start), end: ms(s.end), url: s.url }))
        // A segment without a sample (start == end) holds nothing to play; a browser refuses it.
        .filter((p) => p.end > p.start && p.end > this.windowStart && p.start < this.windowEnd)
        .sort((a, b) => a.start - b.start);
      if (previous !== this.pieces.map((p) => p.url).join() || !this.position) {
        if (!this.playing) {
          this.position = this.pieces.length
            ? Math.max(this.windowStart, this.pieces[0].start)
            : this.windowStart;
        }
      }
    }
  }

  protected updated(): void {
    // Show the first frame of the window without playing, so every camera is recognisable at a glance.
    if (this.current < 0 && this.video && this.pieces.length && !this.error) {
      const index = this.pieceAt(this.position);
      if (index >= 0) void this.load(index, Math.max(this.position, this.pieces[index].start));
    }
  }

  private get span(): number {
    return Math.max(1, this.windowEnd - this.windowStart);
  }

  private pct(moment: number): number {
    return ((Math.min(Math.max(moment, this.windowStart), this.windowEnd) - this.windowStart) / this.span) * 100;
  }

  /** The piece playing at `moment`, or the next one after a gap. */
  private pieceAt(moment: number): number {
    const inside = this.pieces.findIndex((p) => p.start <= moment && moment < p.end);
    if (inside >= 0) return inside;
    return this.pieces.findIndex((p) => p.start > moment);
  }

  private async url(piece: Piece): Promise<string> {
    let url = this.signed.get(piece.url);
    if (!url) {
      url = await signPath(this.hass, piece.url, 6 * 3600);
      this.signed.set(piece.url, url);
    }
    return url;
  }

  private async load(index: number, moment: number): Promise<void> {
    const video = this.video;
    if (!video || index < 0) return;
    const piece = this.pieces[index];
    this.pendingOffset = Math.max(0, moment - piece.start) / 1000;
    if (this.current === index && video.readyState >= 1) {
      video.currentTime = this.base + this.pendingOffset;
      return;
    }
    this.current = index;
    try {
      video.src = await this.url(piece);
    } catch (err) {
      this.error = String((err as { message?: string }).message ?? err);
    }
  }

  private onLoadedMetadata(): void {
    const video = this.video;
    if (!video) return;
    this.base = video.seekable.length ? video.seekable.start(0) : 0;
    video.currentTime = this.base + this.pendingOffset;
    if (this.playing) video.play().catch((err: unknown) => this.onPlayError(err));
  }

  private onPlayError(err: unknown): void {
    if ((err as { name?: string }).name === "AbortError") return;
    this.error = String((err as { message?: string }).message ?? err);
    this.playing = false;
  }

  private onTimeUpdate(): void {
    const video = this.video;
    if (!video || this.current < 0) return;
    const piece = this.pieces[this.current];
    this.position = piece.start + (video.currentTime - this.base) * 1000;
    if (this.position >= this.windowEnd) {
      video.pause();
      this.playing = false;
      this.position = this.windowEnd;
    }
  }

  private onEnded(): void {
    const next = this.current + 1;
    if (next < this.pieces.length && this.pieces[next].start < this.windowEnd) {
      void this.load(next, this.pieces[next].start);
    } else {
      this.playing = false;
      this.position = this.windowEnd;
    }
  }

  private onError(): void {
    const media = this.video?.error;
    this.error = this.t("player_error", { code: media?.code ?? 0, message: media?.message ?? "" });
    this.playing = false;
  }

  private toggle(): void {
    const video = this.video;
    if (!video || !this.pieces.length) return;
    if (this.playing) {
      video.pause();
      this.playing = false;
      return;
    }
    this.error = undefined;
    this.playing = true;
    let moment = this.position >= this.windowEnd - 500 ? this.windowStart : this.position;
    const index = this.pieceAt(moment);
    if (index < 0) {
      this.playing = false;
      return;
    }
    moment = Math.max(moment, this.pieces[index].start);
    if (this.current === index && video.readyState >= 1) {
      video.currentTime = this.base + (moment - this.pieces[index].start) / 1000;
      video.play().catch((err: unknown) => this.onPlayError(err));
    } else {
      void this.load(index, moment);
    }
  }

  private seek(moment: number): void {
    const target = Math.min(Math.max(moment, this.windowStart), this.windowEnd);
    this.position = target;
    const index = this.pieceAt(target);
    if (index < 0) return;
    void this.load(index, Math.max(target, this.pieces[index].start));
  }

  private onTrackPointer(event: PointerEvent): void {
    const track = event.currentTarget as HTMLElement;
    const box = track.getBoundingClientRect();
    const fraction = Math.min(Math.max((event.clientX - box.left) / box.width, 0), 1);
    this.seek(this.windowStart + fraction * this.span);
  }

  private onTrackKey(event: KeyboardEvent): void {
    const steps: Record<string, number> = { ArrowLeft: -5000, ArrowRight: 5000, PageDown: -60000, PageUp: 60000 };
    if (event.key in steps) {
      event.preventDefault();
      this.seek(this.position + steps[event.key]);
    } else if (event.key === "Home") {
      event.preventDefault();
      this.seek(this.windowStart);
    } else if (event.key === "End") {
      event.preventDefault();
      this.seek(this.windowEnd);
    }
  }

  private toggleMute(): void {
    this.muted = !this.muted;
    if (this.video) this.video.muted = this.muted;
  }

  render() {
    const t = this.t;
    if (!this.camera.has_footage || !this.pieces.length) {
      return html`<div class="none" data-footage="none">${t("no_footage")}</div>`;
    }
    const gaps = (this.camera.gaps ?? []).map((g) => ({ start: ms(g.start), end: ms(g.end) }));
    const elapsed = (this.position - this.windowStart) / 1000;
    return html`
      <div class="screen">
        <video
          playsinline
          preload="metadata"
          .muted=${this.muted}
          data-camera=${this.camera.camera_id}
          @loadedmetadata=${this.onLoadedMetadata}
          @timeupdate=${this.onTimeUpdate}
          @ended=${this.onEnded}
          @error=${this.onError}
          @click=${this.toggle}
        ></video>
      </div>
      <div
        class="track"
        role="slider"
        tabindex="0"
        aria-label=${t("player_position")}
        aria-valuemin="0"
        aria-valuemax=${Math.round(this.span / 1000)}
        aria-valuenow=${Math.round(elapsed)}
        aria-valuetext=${formatTime(this.hass, this.position)}
        @pointerdown=${this.onTrackPointer}
        @keydown=${this.onTrackKey}
      >
        ${this.pieces.map(
          (p) =>
            html`<span
              class="footage"
              style="left:${this.pct(p.start)}%;width:${this.pct(p.end) - this.pct(p.start)}%"
            ></span>`,
        )}
        ${gaps.map(
          (g) =>
            html`<span
              class="gap"
              title=${t("gap", { from: formatTime(this.hass, g.start), to: formatTime(this.hass, g.end) })}
              style="left:${this.pct(g.start)}%;width:${this.pct(g.end) - this.pct(g.start)}%"
            ></span>`,
        )}
        <span class="out" style="left:0;width:${this.pct(this.trimStart)}%"></span>
        <span class="out" style="left:${this.pct(this.trimEnd)}%;right:0"></span>
        <span class="chosen" style="left:${this.pct(this.trimStart)}%;width:${this.pct(this.trimEnd) - this.pct(this.trimStart)}%"></span>
        <span class="head" style="left:${this.pct(this.position)}%"></span>
      </div>
      <div class="controls row">
        <button class="play" @click=${this.toggle} aria-label=${this.playing ? t("pause") : t("play")}>
          ${this.playing ? "❚❚" : "▶"}
        </button>
        <span class="clock" title=${formatUtc(isoOf(this.position))}
          >${formatClock(elapsed)} / ${formatClock(this.span / 1000)} ·
          ${formatTime(this.hass, this.position)}</span
        >
        <button class="mute" @click=${this.toggleMute}>${this.muted ? t("unmute") : t("mute")}</button>
        ${gaps.length ? html`<span class="muted">${t("gaps", { count: gaps.length })}</span>` : nothing}
      </div>
      ${this.error ? html`<p class="error media-error">${this.error}</p>` : nothing}
    `;
  }

  static styles = [
    shared,
    css`
      .screen {
        background: #000;
        aspect-ratio: 16 / 9;
        border-radius: 8px;
        overflow: hidden;
      }
      video {
        width: 100%;
        height: 100%;
        display: block;
        object-fit: contain;
      }
      .track {
        position: relative;
        height: 28px;
        margin: 10px 0 6px;
        background: var(--secondary-background-color, #eee);
        border-radius: 4px;
        cursor: pointer;
        touch-action: none;
        overflow: hidden;
      }
      .track:focus-visible {
        outline: 2px solid var(--dv-accent);
      }
      .footage {
        position: absolute;
        top: 6px;
        bottom: 6px;
        background: var(--dv-accent);
        opacity: 0.55;
      }
      .gap {
        position: absolute;
        top: 0;
        bottom: 0;
        background: repeating-linear-gradient(
          45deg,
          transparent 0 4px,
          var(--dv-error) 4px 6px
        );
        opacity: 0.6;
      }
      .out {
        position: absolute;
        top: 0;
        bottom: 0;
        background: rgba(0, 0, 0, 0.35);
      }
      .chosen {
        position: absolute;
        top: 0;
        bottom: 0;
        border: 2px solid var(--dv-accent);
        box-sizing: border-box;
        border-radius: 4px;
        pointer-events: none;
      }
      .head {
        position: absolute;
        top: 0;
        bottom: 0;
        width: 2px;
        margin-left: -1px;
        background: var(--primary-text-color, #000);
        pointer-events: none;
      }
      .play {
        min-width: 48px;
      }
      .clock {
        font-variant-numeric: tabular-nums;
      }
      .none {
        display: flex;
        align-items: center;
        justify-content: center;
        aspect-ratio: 16 / 9;
        background: var(--secondary-background-color, #eee);
        border-radius: 8px;
        color: var(--dv-muted);
      }
    `,
  ];
}
