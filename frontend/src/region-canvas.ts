// <dv-region-canvas>: a camera's still with regions drawn over it (an SVG in fractions of the frame, laid
// over the picture and scaled with it). Draw a rectangle by dragging, a polygon by clicking its corners
// (close it on the first corner, with Enter or with Finish); click a region to select it. From the keyboard:
// Tab reaches each region, the arrows move the selected one (Shift+arrows resize it), Delete removes it,
// Escape drops a shape being drawn. The canvas keeps no regions of its own: it announces what the owner
// did (dv-draw, dv-select, dv-change, dv-delete) and draws what it is given.
import { LitElement, css, html, nothing, svg } from "lit";
import { customElement, property, state } from "lit/decorators.js";

import { shared } from "./styles.js";
import type { Point, Translate } from "./types.js";

export type RegionKind = "blur" | "black" | "clear" | "box";
export type Tool = "rect" | "polygon";

/** A region as the canvas draws it. */
export interface CanvasRegion {
  id: string;
  shape: "rect" | "polygon";
  points: Point[];
  kind: RegionKind;
  name: string;
}

export interface DrawDetail {
  shape: "rect" | "polygon";
  points: Point[];
}

export const MAX_CORNERS = 32;
const CLICK_PX = 5; // a press that moves less than this is a click, not a drag
const CLOSE_PX = 14; // a click this near the first corner closes the polygon
const MIN_SIDE = 0.01; // a rectangle narrower than this (a fraction of the frame) is a slip, not a region
const STEP = 0.01; // an arrow key moves or resizes by 1 % of the frame

const clamp = (value: number) => Math.min(1, Math.max(0, value));
const round = (value: number) => Math.round(value * 10000) / 10000;

/** A region's outline: a rectangle's four corners, a polygon's own. */
export function corners(region: { shape: "rect" | "polygon"; points: Point[] }): Point[] {
  if (region.shape === "polygon") return region.points;
  const [[x0, y0], [x1, y1]] = region.points;
  const [left, right, top, bottom] = [Math.min(x0, x1), Math.max(x0, x1), Math.min(y0, y1), Math.max(y0, y1)];
  return [
    [left, top],
    [right, top],
    [right, bottom],
    [left, bottom],
  ];
}

/** The still's width over its height (16:9 when its size is unknown). */
export function aspectOf(still: { width: number | null; height: number | null } | null | undefined): number {
  return still?.width && still.height ? still.width / still.height : 16 / 9;
}

/** A mask region's name: its label, or "Region n" for the region at `index` of its list. */
export function regionLabel(t: Translate, region: { label?: string }, index: number): string {
  return region.label || t("region_name", { number: index + 1 });
}

const pointsAttr = (points: Point[]) => points.map(([x, y]) => `${x},${y}`).join(" ");

/** Move a region by (dx, dy), kept inside the frame as a whole. */
function moved(points: Point[], dx: number, dy: number): Point[] {
  const xs = points.map(([x]) => x);
  const ys = points.map(([, y]) => y);
  const mx = Math.min(Math.max(dx, -Math.min(...xs)), 1 - Math.max(...xs));
  const my = Math.min(Math.max(dy, -Math.min(...ys)), 1 - Math.max(...ys));
  return points.map(([x, y]) => [round(x + mx), round(y + my)]);
}

/** Grow or shrink a region by (dx, dy) from its top-left corner. */
function resized(region: CanvasRegion, dx: number, dy: number): Point[] {
  const xs = region.points.map(([x]) => x);
  const ys = region.points.map(([, y]) => y);
  const [left, top, right, bottom] = [Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)];
  const width = Math.max(MIN_SIDE, Math.min(right - left + dx, 1 - left));
  const height = Math.max(MIN_SIDE, Math.min(bottom - top + dy, 1 - top));
  const sx = right > left ? width / (right - left) : 1;
  const sy = bottom > top ? height / (bottom - top) : 1;
  return region.points.map(([x, y]) => [round(left + (x - left) * sx), round(top + (y - top) * sy)]);
}

@customElement("dv-region-canvas")
export class DvRegionCanvas extends LitElement {
  @property({ attribute: false }) t!: Translate;
  /** The still's URL; none: a grey frame of the same shape. */
  @property() src = "";
  @property({ type: Number }) aspect = 16 / 9;
  @property({ attribute: false }) regions: CanvasRegion[] = [];
  @property({ attribute: false }) selected?: string;
  @property() tool: Tool = "rect";
  /** The drawing surface's accessible name. */
  @property() label = "";
  @property({ type: Boolean }) disabled = false;

  @state() private draft: Point[] = [];
  @state() private hover?: Point;

  private pressed?: { at: Point; x: number; y: number; region?: string };

  /** Close the polygon being drawn (Finish, Enter, a click on its first corner), when it has 3 corners. */
  private finish(): void {
    if (this.tool !== "polygon" || this.draft.length < 3) return;
    this.emit("dv-draw", { shape: "polygon", points: this.draft.map(([x, y]) => [round(x), round(y)]) });
    this.draft = [];
  }

  cancel(): void {
    this.draft = [];
    this.pressed = undefined;
  }

  private emit(name: string, detail: unknown): void {
    this.dispatchEvent(new CustomEvent(name, { detail }));
  }

  private at(event: PointerEvent): { at: Point; x: number; y: number } {
    const box = (event.currentTarget as SVGSVGElement).getBoundingClientRect();
    const x = event.clientX - box.left;
    const y = event.clientY - box.top;
    return { at: [clamp(x / box.width), clamp(y / box.height)], x, y };
  }

  private onDown(event: PointerEvent): void {
    if (this.disabled || event.button !== 0) return;
    const target = event.target as Element;
    const region = target.closest("[data-region-id]")?.getAttribute("data-region-id") ?? undefined;
    this.pressed = { ...this.at(event), region };
    const surface = event.currentTarget as SVGSVGElement;
    surface.setPointerCapture(event.pointerId);
    surface.focus({ preventScroll: true });
    if (this.tool === "rect") this.draft = [this.pressed.at, this.pressed.at];
    event.preventDefault();
  }

  private onMove(event: PointerEvent): void {
    const here = this.at(event);
    this.hover = here.at;
    if (this.pressed && this.tool === "rect") this.draft = [this.pressed.at, here.at];
  }

  private onUp(event: PointerEvent): void {
    const pressed = this.pressed;
    this.pressed = undefined;
    if (!pressed || this.disabled) return;
    const here = this.at(event);
    const click = Math.hypot(here.x - pressed.x, here.y - pressed.y) < CLICK_PX;
    if (this.tool === "rect") {
      this.draft = [];
      if (click) {
        this.emit("dv-select", { id: pressed.region });
        return;
      }
      const [[x0, y0], [x1, y1]] = [pressed.at, here.at];
      if (Math.abs(x1 - x0) < MIN_SIDE || Math.abs(y1 - y0) < MIN_SIDE) return;
      this.emit("dv-draw", {
        shape: "rect",
        points: [
          [round(Math.min(x0, x1)), round(Math.min(y0, y1))],
          [round(Math.max(x0, x1)), round(Math.max(y0, y1))],
        ],
      });
      return;
    }
    // Polygon: each click adds a corner; a click on the first corner closes it.
    if (!click) return;
    if (!this.draft.length && pressed.region) {
      this.emit("dv-select", { id: pressed.region });
      return;
    }
    const box = (event.currentTarget as SVGSVGElement).getBoundingClientRect();
    const first = this.draft[0];
    if (
      first &&
      this.draft.length >= 3 &&
      Math.hypot((first[0] - here.at[0]) * box.width, (first[1] - here.at[1]) * box.height) < CLOSE_PX
    ) {
      this.finish();
      return;
    }
    this.draft = [...this.draft, here.at];
    if (this.draft.length >= MAX_CORNERS) this.finish();
  }

  private onKey(event: KeyboardEvent): void {
    if (event.key === "Escape" && this.draft.length) {
      this.cancel();
      event.preventDefault();
      return;
    }
    if (event.key === "Enter" && this.draft.length) {
      this.finish();
      event.preventDefault();
      return;
    }
    const region = this.regions.find((r) => r.id === this.selected);
    if (!region || this.disabled) return;
    if (event.key === "Delete" || event.key === "Backspace") {
      this.emit("dv-delete", { id: region.id });
      event.preventDefault();
      return;
    }
    const arrows: Record<string, Point> = {
      ArrowLeft: [-STEP, 0],
      ArrowRight: [STEP, 0],
      ArrowUp: [0, -STEP],
      ArrowDown: [0, STEP],
    };
    const step = arrows[event.key];
    if (!step) return;
    const points = event.shiftKey ? resized(region, ...step) : moved(region.points, ...step);
    this.emit("dv-change", { id: region.id, points });
    event.preventDefault();
  }

  private onRegionKey(event: KeyboardEvent, id: string): void {
    if ((event.key === "Enter" || event.key === " ") && !this.draft.length) {
      this.emit("dv-select", { id });
      event.preventDefault();
      event.stopPropagation();
    }
  }

  private renderDraft() {
    if (!this.draft.length) return nothing;
    if (this.tool === "rect") {
      const outline = corners({ shape: "rect", points: this.draft });
      return svg`<polygon class="draft" points=${pointsAttr(outline)}></polygon>`;
    }
    const line = this.hover ? [...this.draft, this.hover] : this.draft;
    return svg`<polyline class="draft" points=${pointsAttr(line)}></polyline>
      ${this.draft.map(
        ([x, y], n) => svg`<circle class=${n === 0 ? "corner first" : "corner"} cx=${x} cy=${y} r="0.008"></circle>`,
      )}`;
  }

  render() {
    const t = this.t;
    const blurred = this.regions.filter((r) => r.kind === "blur" || r.kind === "box");
    return html`
      <div class="frame" style=${`aspect-ratio: ${this.aspect}`}>
        ${this.src ? html`<img src=${this.src} alt="" draggable="false" />` : html`<div class="no-still"></div>`}
        <svg
          viewBox="0 0 1 1"
          preserveAspectRatio="none"
          tabindex="0"
          role="application"
          aria-label=${this.label}
          aria-disabled=${this.disabled ? "true" : "false"}
          class=${`tool-${this.tool}`}
          @pointerdown=${this.onDown}
          @pointermove=${this.onMove}
          @pointerup=${this.onUp}
          @pointerleave=${() => (this.hover = undefined)}
          @keydown=${this.onKey}
        >
          <defs>
            <filter id="soften" x="-0.05" y="-0.05" width="1.1" height="1.1">
              <feGaussianBlur stdDeviation="0.012"></feGaussianBlur>
            </filter>
            ${blurred.map(
              (r) => svg`<clipPath id=${`clip-${r.id}`}><polygon points=${pointsAttr(corners(r))}></polygon></clipPath>`,
            )}
          </defs>
          ${this.src
            ? blurred.map(
                (r) => svg`<image href=${this.src} x="0" y="0" width="1" height="1" preserveAspectRatio="none"
                  filter="url(#soften)" clip-path=${`url(#clip-${r.id})`}></image>`,
              )
            : nothing}
          ${this.regions.map(
            (r) => svg`<polygon
              class=${`region ${r.kind}${r.id === this.selected ? " selected" : ""}`}
              data-region-id=${r.id}
              points=${pointsAttr(corners(r))}
              tabindex="0"
              role="button"
              aria-label=${r.name}
              aria-pressed=${r.id === this.selected ? "true" : "false"}
              @keydown=${(e: KeyboardEvent) => this.onRegionKey(e, r.id)}
              @focus=${() => r.id !== this.selected && this.emit("dv-select", { id: r.id })}
            ><title>${r.name}</title></polygon>`,
          )}
          ${this.renderDraft()}
        </svg>
      </div>
      <p class="hint muted">
        ${this.tool === "rect" ? t("canvas_hint_rect") : t("canvas_hint_polygon")} ${t("canvas_hint_keys")}
      </p>
      ${this.tool === "polygon" && this.draft.length
        ? html`<div class="row drafting">
            <button class="finish primary" ?disabled=${this.draft.length < 3} @click=${() => this.finish()}>
              ${t("canvas_finish")}
            </button>
            <button class="cancel-draft" @click=${() => this.cancel()}>${t("cancel")}</button>
            <span class="muted">${t("canvas_corners", { count: this.draft.length })}</span>
          </div>`
        : nothing}
    `;
  }

  static styles = [
    shared,
    css`
      .frame {
        position: relative;
        width: 100%;
        background: #222;
        border-radius: 8px;
        overflow: hidden;
        user-select: none;
        touch-action: none;
      }
      img,
      .no-still {
        position: absolute;
        inset: 0;
        width: 100%;
        height: 100%;
        object-fit: fill;
      }
      svg {
        position: absolute;
        inset: 0;
        width: 100%;
        height: 100%;
        cursor: crosshair;
        outline: none;
      }
      svg:focus-visible {
        box-shadow: inset 0 0 0 3px var(--dv-accent);
      }
      .region {
        vector-effect: non-scaling-stroke;
        stroke-width: 2;
        cursor: pointer;
        outline: none;
      }
      .region.blur {
        fill: rgba(3, 169, 244, 0.15);
        stroke: #03a9f4;
      }
      .region.box {
        fill: rgba(255, 166, 0, 0.15);
        stroke: #ffa600;
      }
      .region.black {
        fill: #000;
        fill-opacity: 0.85;
        stroke: #fff;
      }
      .region.clear {
        fill: rgba(67, 160, 71, 0.12);
        stroke: #43a047;
        stroke-dasharray: 6 4;
      }
      .region.selected,
      .region:focus-visible {
        stroke-width: 4;
        stroke: #ffeb3b;
      }
      .draft {
        fill: rgba(255, 255, 255, 0.15);
        stroke: #fff;
        stroke-width: 2;
        stroke-dasharray: 4 3;
        vector-effect: non-scaling-stroke;
      }
      polyline.draft {
        fill: none;
      }
      .corner {
        fill: #fff;
        stroke: #000;
        stroke-width: 1;
        vector-effect: non-scaling-stroke;
      }
      .corner.first {
        fill: #ffeb3b;
      }
      .hint {
        font-size: 0.85rem;
        margin: 6px 0;
      }
    `,
  ];
}

declare global {
  interface HTMLElementTagNameMap {
    "dv-region-canvas": DvRegionCanvas;
  }
}
