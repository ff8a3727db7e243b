// <dv-redaction-choice>: in a request's Share card, what this share hides. Each camera's standing choice (the
// default: what the phone's Share and an automatic share use too), or for this share: the bit-exact
// originals, the masks, or the masks plus blurred faces (unavailable, with the reason, without a detector);
// boxes drawn by hand on a camera's still for this share only; "Preview" plays a short original and its
// redacted render side by side (`doorbell_vault/requests/redaction_preview`, <dv-side-by-side>) before
// anything is built.
// It announces the choice as dv-redaction ({redaction}: undefined for each camera's standing choice).
import { LitElement, css, html, nothing, type PropertyValues } from "lit";
import { customElement, property, state } from "lit/decorators.js";

import { errorText } from "./api.js";
import { getMasks, redactionPreview } from "./masks-api.js";
import { renderModeRadios } from "./mode-radios.js";
import { masksPath, navigate } from "./navigate.js";
import { choices, spinner } from "./panel-styles.js";
import { aspectOf, regionLabel, type CanvasRegion, type DrawDetail } from "./region-canvas.js";
import "./side-by-side.js";
import { shared } from "./styles.js";
import type {
  CameraFootage,
  CameraMasks,
  Hass,
  Point,
  Redaction,
  RedactionBox,
  RedactionMode,
  RedactionPreview,
  Translate,
} from "./types.js";

type Choice = "standing" | RedactionMode;

interface Box {
  id: string;
  camera_id: string;
  points: [Point, Point];
}

/** Boxes drawn by hand for one share, at most (redaction/choice.py MAX_BOXES: more are refused). */
const MAX_BOXES = 64;

/** Boxes as the share and the previews take them (without the panel's own ids). */
const sent = (boxes: Box[]): RedactionBox[] => boxes.map(({ camera_id, points }) => ({ camera_id, points }));

@customElement("dv-redaction-choice")
export class DvRedactionChoice extends LitElement {
  @property({ attribute: false }) hass!: Hass;
  @property({ attribute: false }) t!: Translate;
  @property({ attribute: false }) requestId!: string;
  /** The cameras chosen for the share. */
  @property({ attribute: false }) cameras: CameraFootage[] = [];
  /** The window to share (ISO), when narrower than the one asked for. */
  @property({ attribute: false }) start?: string;
  @property({ attribute: false }) end?: string;
  @property({ type: Boolean }) disabled = false;

  @state() private info: Record<string, CameraMasks> = {};
  @state() private loadError?: string;
  @state() private choice: Choice = "standing";
  @state() private boxes: Box[] = [];
  @state() private selectedBox?: string;
  @state() private current?: string;
  @state() private preview?: RedactionPreview & { camera_id: string };
  @state() private previewing = false;
  @state() private previewError?: string;

  private serial = 0;
  private boxNumber = 0;
  private camerasKey = "";
  /** Cameras whose masks were asked for (answered or on the way): each is asked once. */
  private asked = new Set<string>();

  protected willUpdate(changed: PropertyValues<this>): void {
    // The request view passes a new array on every render: act only when the cameras chosen changed.
    const key = this.cameras.map((c) => c.camera_id).join("\n");
    if (changed.has("cameras") && key !== this.camerasKey) {
      this.camerasKey = key;
      this.preview = undefined;
      for (const camera of this.cameras) {
        if (!this.asked.has(camera.camera_id)) this.load(camera.camera_id);
      }
      if (!this.cameras.some((c) => c.camera_id === this.current)) this.current = this.cameras[0]?.camera_id;
    }
    if (changed.has("start") || changed.has("end")) this.preview = undefined;
  }

  private load(cameraId: string): void {
    this.asked.add(cameraId);
    getMasks(this.hass, cameraId)
      .then((data) => (this.info = { ...this.info, [cameraId]: data }))
      .catch((err: unknown) => {
        this.asked.delete(cameraId); // asked again when the camera is chosen again
        this.loadError = errorText(err);
      });
  }

  /** The choice as the share and the package preview take it; undefined: each camera's standing choice. */
  get redaction(): Redaction | undefined {
    const chosen = new Set(this.cameras.map((c) => c.camera_id));
    const boxes = this.choice === "originals" ? [] : sent(this.boxes.filter((b) => chosen.has(b.camera_id)));
    if (this.choice === "standing") return boxes.length ? { boxes } : undefined;
    return { mode: this.choice, boxes };
  }

  private announce(): void {
    this.preview = undefined;
    this.dispatchEvent(new CustomEvent("dv-redaction", { detail: { redaction: this.redaction } }));
  }

  private get detector() {
    return Object.values(this.info)[0]?.detector;
  }

  /** What a camera's share holds under the current choice. */
  private modeOf(cameraId: string): RedactionMode | undefined {
    if (this.choice !== "standing") return this.choice;
    const standing = this.info[cameraId]?.masks.standing;
    // Boxes drawn over a camera shared as originals by standing choice: the owner wants them hidden.
    if (standing === "originals" && this.boxes.some((b) => b.camera_id === cameraId)) return "masks";
    return standing;
  }

  private pick(choice: Choice): void {
    this.choice = choice;
    this.announce();
  }

  private onDraw(event: CustomEvent<DrawDetail>): void {
    if (!this.current || this.boxes.length >= MAX_BOXES || event.detail.shape !== "rect") return;
    this.boxNumber += 1;
    const id = `box-${this.boxNumber}`;
    const [a, b] = event.detail.points;
    this.boxes = [...this.boxes, { id, camera_id: this.current, points: [a, b] }];
    this.selectedBox = id;
    this.announce();
  }

  private removeBox(id: string): void {
    this.boxes = this.boxes.filter((b) => b.id !== id);
    if (this.selectedBox === id) this.selectedBox = undefined;
    this.announce();
  }

  private moveBox(id: string, points: Point[]): void {
    this.boxes = this.boxes.map((b) => (b.id === id ? { ...b, points: [points[0], points[1]] } : b));
    this.announce();
  }

  private async runPreview(cameraId: string): Promise<void> {
    const mode = this.modeOf(cameraId);
    if (!mode || mode === "originals") return;
    this.previewing = true;
    this.previewError = undefined;
    this.preview = undefined;
    const serial = ++this.serial;
    try {
      const preview = await redactionPreview(this.hass, this.requestId, cameraId, {
        ...(this.start ? { start: this.start } : {}),
        ...(this.end ? { end: this.end } : {}),
        redaction: { mode, boxes: sent(this.boxes.filter((b) => b.camera_id === cameraId)) },
      });
      if (serial === this.serial) this.preview = { ...preview, camera_id: cameraId };
    } catch (err) {
      if (serial === this.serial) this.previewError = errorText(err);
    } finally {
      if (serial === this.serial) this.previewing = false;
    }
  }

  private editMasks(event: Event, cameraId: string): void {
    event.preventDefault();
    navigate(masksPath(cameraId));
  }

  private renderChoice() {
    const t = this.t;
    const detector = this.detector;
    const faces = detector?.available ?? false;
    const standing = this.cameras.map(
      (c) => `${c.name}: ${this.info[c.camera_id] ? t(`mode_short_${this.info[c.camera_id].masks.standing}`) : "…"}`,
    );
    return html`
      <label class="check"
        ><input
          type="radio"
          name="redaction"
          value="standing"
          .checked=${this.choice === "standing"}
          ?disabled=${this.disabled}
          @change=${() => this.pick("standing")}
        />
        <span>${t("redaction_standing")} <span class="muted standing-summary">(${standing.join("; ")})</span></span></label
      >
      ${renderModeRadios(
        t,
        "redaction",
        this.choice,
        (mode) => this.disabled || (mode === "masks_faces" && !faces),
        (mode) => this.pick(mode),
      )}
      ${detector && !faces
        ? html`<p class="muted detector unavailable">${t("detector_unavailable", { reason: detector.reason ?? "" })}</p>`
        : nothing}
      ${this.choice === "masks_faces" ? html`<p class="muted">${t("faces_caveat")}</p>` : nothing}
    `;
  }

  private renderCamera(cameraId: string) {
    const t = this.t;
    const data = this.info[cameraId];
    if (!data) return html`<p class="muted">${t("loading")}</p>`;
    const mode = this.modeOf(cameraId) ?? "originals";
    const drawing = this.choice !== "originals";
    const masks: CanvasRegion[] = this.choice === "originals" ? [] : [
      ...data.masks.regions.map((r, n) => ({
        id: `mask-${r.id}`, shape: r.shape, points: r.points, kind: r.action,
        name: regionLabel(t, r, n),
      })),
      ...data.masks.clear.map((r, n) => ({
        id: `clear-${r.id}`, shape: r.shape, points: r.points, kind: "clear" as const,
        name: t("region_with_kind", { name: regionLabel(t, r, n), kind: t("region_clear") }),
      })),
    ]; // prettier-ignore
    const boxes = this.boxes.filter((b) => b.camera_id === cameraId);
    const regions: CanvasRegion[] = [
      ...masks,
      ...boxes.map((b, n) => ({
        id: b.id,
        shape: "rect" as const,
        points: b.points,
        kind: "box" as const,
        name: t("box_name", { number: n + 1 }),
      })),
    ];
    const preview = this.preview?.camera_id === cameraId ? this.preview : undefined;
    return html`
      <p class="muted camera-mode" data-mode=${mode}>
        ${t("redaction_camera_mode", { camera: data.name, mode: t(`mode_${mode}`) })}
        <a class="edit-masks" href=${masksPath(cameraId)}
          @click=${(e: Event) => this.editMasks(e, cameraId)}>${t("edit_masks")}</a>
      </p>
      ${drawing ? html`<p class="muted">${t("boxes_help")}</p>` : nothing}
      ${this.boxes.length >= MAX_BOXES
        ? html`<p class="muted boxes-full" role="status">${t("boxes_full", { max: MAX_BOXES })}</p>`
        : nothing}
      <dv-region-canvas
        .t=${t}
        .src=${data.still?.url ?? ""}
        .aspect=${aspectOf(data.still)}
        .regions=${regions}
        .selected=${this.selectedBox}
        tool="rect"
        .disabled=${!drawing || this.disabled}
        .label=${t("boxes_label", { camera: data.name })}
        @dv-draw=${this.onDraw}
        @dv-select=${(e: CustomEvent<{ id?: string }>) =>
          (this.selectedBox = e.detail.id?.startsWith("box-") ? e.detail.id : undefined)}
        @dv-change=${(e: CustomEvent<{ id: string; points: Point[] }>) =>
          e.detail.id.startsWith("box-") && this.moveBox(e.detail.id, e.detail.points)}
        @dv-delete=${(e: CustomEvent<{ id: string }>) =>
          e.detail.id.startsWith("box-") && this.removeBox(e.detail.id)}
      ></dv-region-canvas>
      ${boxes.length
        ? html`<ul class="row boxes">
            ${boxes.map(
              (b, n) => html`<li>
                <button class="remove-box" @click=${() => this.removeBox(b.id)}>
                  ${t("remove_box", { number: n + 1 })}
                </button>
              </li>`,
            )}
          </ul>`
        : nothing}
      <div class="row actions">
        <button
          class="redaction-preview"
          ?disabled=${this.previewing || mode === "originals"}
          @click=${() => void this.runPreview(cameraId)}
        >
          ${t("redaction_preview")}
        </button>
        ${mode === "originals" ? html`<span class="muted">${t("redaction_preview_originals")}</span>` : nothing}
        ${this.previewing
          ? html`<span class="muted previewing" role="status"><span class="spinner"></span> ${t("redaction_rendering")}</span>`
          : nothing}
      </div>
      ${this.previewError ? html`<p class="error preview-error" role="alert">${this.previewError}</p>` : nothing}
      ${preview
        ? html`<dv-side-by-side .t=${t} .preview=${preview}></dv-side-by-side>`
        : nothing}
    `;
  }

  render() {
    const t = this.t;
    const current = this.cameras.find((c) => c.camera_id === this.current);
    return html`<fieldset class="redaction">
      <legend>${t("redaction_legend")}</legend>
      ${this.renderChoice()}
      ${this.loadError ? html`<p class="error">${this.loadError}</p>` : nothing}
      ${this.cameras.length > 1
        ? html`<div class="row camera-pick" role="tablist" aria-label=${t("redaction_cameras")}>
            ${this.cameras.map(
              (c) => html`<button
                role="tab"
                aria-selected=${c.camera_id === this.current}
                data-camera=${c.camera_id}
                @click=${() => (this.current = c.camera_id)}
              >
                ${c.name}
              </button>`,
            )}
          </div>`
        : nothing}
      ${current ? this.renderCamera(current.camera_id) : nothing}
    </fieldset>`;
  }

  static styles = [
    shared,
    spinner,
    choices,
    css`
      .camera-pick {
        margin: 8px 0;
      }
      ul.boxes {
        list-style: none;
        padding: 0;
        margin: 4px 0;
      }
      .edit-masks {
        color: var(--dv-accent);
        margin-left: 6px;
      }
    `,
  ];
}

declare global {
  interface HTMLElementTagNameMap {
    "dv-redaction-choice": DvRedactionChoice;
  }
}
