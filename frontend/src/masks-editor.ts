// <dv-masks-editor>: one camera's privacy masks on its still. The owner draws rectangles and polygons to
// blur or black out in every redacted share, marks some "keep clear" (the face detector leaves faces there
// alone: the doorstep), selects and deletes them, sets the camera's standing choice, and saves
// (`doorbell_vault/cameras/masks/set`).
import { LitElement, css, html, nothing, type PropertyValues } from "lit";
import { customElement, property, query, state } from "lit/decorators.js";

import { errorText } from "./api.js";
import { getMasks, setMasks } from "./masks-api.js";
import { renderModeRadios } from "./mode-radios.js";
import { choices, layout } from "./panel-styles.js";
import {
  aspectOf,
  regionLabel,
  type CanvasRegion,
  type DrawDetail,
  type DvRegionCanvas,
  type Tool,
} from "./region-canvas.js";
import { shared } from "./styles.js";
import type {
  CameraMasks,
  Hass,
  MaskRegion,
  Masks,
  Point,
  RedactionMode,
  Translate,
} from "./types.js";

/** A region as the editor holds it: hidden (blur or black) or kept clear of the face detector. */
interface Item {
  region: MaskRegion;
  clear: boolean;
}

/** A camera's regions to hide, and apart from them its regions kept clear, at most (regions.py MAX_REGIONS). */
const MAX_REGIONS = 32;

/** The next free region id ("m1", "m2", …). */
function nextId(items: Item[]): string {
  const taken = new Set(items.map((i) => i.region.id));
  let n = items.length + 1;
  while (taken.has(`m${n}`)) n += 1;
  return `m${n}`;
}

@customElement("dv-masks-editor")
export class DvMasksEditor extends LitElement {
  @property({ attribute: false }) hass!: Hass;
  @property({ attribute: false }) t!: Translate;
  @property({ attribute: false }) cameraId!: string;

  @state() private data?: CameraMasks;
  @state() private items: Item[] = [];
  @state() private standing: RedactionMode = "originals";
  @state() private selected?: string;
  @state() private tool: Tool = "rect";
  @state() private action: "blur" | "black" = "blur";
  @state() private dirty = false;
  @state() private saving = false;
  @state() private saved = false;
  @state() private error?: string;

  @query("dv-region-canvas") private canvas?: DvRegionCanvas;

  private serial = 0;

  protected willUpdate(changed: PropertyValues<this>): void {
    if (changed.has("cameraId") && this.cameraId) this.load();
  }

  private load(): void {
    const serial = ++this.serial;
    this.data = undefined;
    this.error = undefined;
    getMasks(this.hass, this.cameraId)
      .then((data) => {
        if (serial !== this.serial) return;
        this.show(data, data.masks);
      })
      .catch((err: unknown) => {
        if (serial === this.serial) this.error = errorText(err);
      });
  }

  private show(data: CameraMasks, masks: Masks): void {
    this.data = { ...data, masks };
    this.items = [
      ...masks.regions.map((region) => ({ region, clear: false })),
      ...masks.clear.map((region) => ({ region, clear: true })),
    ];
    this.standing = masks.standing;
    this.selected = undefined;
    this.dirty = false;
  }

  private edit(items: Item[]): void {
    this.items = items;
    this.dirty = true;
    this.saved = false;
  }

  private editItem(id: string, change: (item: Item) => Item): void {
    this.edit(this.items.map((item) => (item.region.id === id ? change(item) : item)));
  }

  /** No more regions to hide: a new one would be refused when saved. */
  private get full(): boolean {
    return this.items.filter((i) => !i.clear).length >= MAX_REGIONS;
  }

  private onDraw(event: CustomEvent<DrawDetail>): void {
    if (this.full) return;
    const id = nextId(this.items);
    const region: MaskRegion = { id, shape: event.detail.shape, points: event.detail.points, action: this.action };
    this.edit([...this.items, { region, clear: false }]);
    this.selected = id;
  }

  /** A rectangle in the middle of the frame, for the keyboard: move it with the arrows, resize with Shift. */
  private addRectangle(): void {
    if (this.full) return;
    const id = nextId(this.items);
    const points: Point[] = [
      [0.4, 0.4],
      [0.6, 0.6],
    ];
    this.edit([...this.items, { region: { id, shape: "rect", points, action: this.action }, clear: false }]);
    this.selected = id;
    void this.updateComplete.then(() =>
      this.canvas?.shadowRoot?.querySelector<SVGElement>(`[data-region-id="${id}"]`)?.focus(),
    );
  }

  private removeRegion(id: string): void {
    this.edit(this.items.filter((item) => item.region.id !== id));
    if (this.selected === id) this.selected = undefined;
  }

  private async save(): Promise<void> {
    if (!this.data) return;
    const masks: Masks = {
      regions: this.items.filter((i) => !i.clear).map((i) => i.region),
      clear: this.items.filter((i) => i.clear).map((i) => i.region),
      standing: this.standing,
    };
    this.saving = true;
    this.error = undefined;
    try {
      const stored = await setMasks(this.hass, this.cameraId, masks);
      this.show(this.data, stored);
      this.saved = true;
    } catch (err) {
      this.error = errorText(err);
    } finally {
      this.saving = false;
    }
  }

  private name(item: Item, index: number): string {
    const t = this.t;
    const kind = item.clear ? t("region_clear") : t(`action_${item.region.action}`);
    return t("region_with_kind", { name: regionLabel(t, item.region, index), kind });
  }

  private renderStanding(data: CameraMasks) {
    const t = this.t;
    const faces = data.detector.available;
    return html`<fieldset class="standing">
      <legend>${t("standing_legend")}</legend>
      ${renderModeRadios(
        t,
        "standing",
        this.standing,
        (mode) => mode === "masks_faces" && !faces && this.standing !== mode,
        (mode) => {
          this.standing = mode;
          this.dirty = true;
          this.saved = false;
        },
      )}
      ${faces
        ? html`<p class="muted detector">
            ${t("detector_available", { name: data.detector.name, version: data.detector.version ?? "" })}
          </p>`
        : html`<p class="muted detector unavailable">
            ${t("detector_unavailable", { reason: data.detector.reason ?? "" })}
          </p>`}
      <p class="muted">${t("standing_help")}</p>
    </fieldset>`;
  }

  private renderList() {
    const t = this.t;
    if (!this.items.length) return html`<p class="muted no-regions">${t("no_regions")}</p>`;
    return html`<ol class="regions">
      ${this.items.map(
        (item, index) => html`<li
          class=${item.region.id === this.selected ? "selected" : ""}
          data-region-id=${item.region.id}
          data-kind=${item.clear ? "clear" : item.region.action}
        >
          <button class="pick" aria-pressed=${item.region.id === this.selected} @click=${() => (this.selected = item.region.id)}>
            ${regionLabel(t, item.region, index)}
            <span class="muted">${t(`shape_${item.region.shape}`)}</span>
          </button>
          <select
            name="action"
            aria-label=${t("region_action")}
            .value=${item.region.action}
            ?disabled=${item.clear}
            @change=${(e: Event) =>
              this.editItem(item.region.id, (i) => ({
                ...i,
                region: { ...i.region, action: (e.target as HTMLSelectElement).value as "blur" | "black" },
              }))}
          >
            <option value="blur" ?selected=${item.region.action === "blur"}>${t("action_blur")}</option>
            <option value="black" ?selected=${item.region.action === "black"}>${t("action_black")}</option>
          </select>
          <button class="delete danger" @click=${() => this.removeRegion(item.region.id)}>${t("delete")}</button>
          <label class="check keep-clear"
            ><input
              type="checkbox"
              name="keep-clear"
              .checked=${item.clear}
              @change=${(e: Event) =>
                this.editItem(item.region.id, (i) => ({ ...i, clear: (e.target as HTMLInputElement).checked }))}
            />
            ${t("region_keep_clear")}</label
          >
        </li>`,
      )}
    </ol>`;
  }

  render() {
    const t = this.t;
    const data = this.data;
    if (!data) {
      return this.error
        ? html`<p class="card error">${this.error}</p>`
        : html`<p class="muted">${t("loading")}</p>`;
    }
    const regions: CanvasRegion[] = this.items.map((item, index) => ({
      id: item.region.id,
      shape: item.region.shape,
      points: item.region.points,
      kind: item.clear ? "clear" : item.region.action,
      name: this.name(item, index),
    }));
    const still = data.still;
    return html`<section class="card masks-editor" data-camera=${data.camera_id}>
      <h2>${t("masks_of", { camera: data.name })}</h2>
      <p class="muted">${t("masks_help")}</p>
      <div class="row toolbar" role="toolbar" aria-label=${t("masks_tools")}>
        <button class="tool-rect" aria-pressed=${this.tool === "rect"} @click=${() => this.pick("rect")}>
          ${t("tool_rect")}
        </button>
        <button class="tool-polygon" aria-pressed=${this.tool === "polygon"} @click=${() => this.pick("polygon")}>
          ${t("tool_polygon")}
        </button>
        <label
          >${t("new_region_action")}
          <select
            name="new-action"
            .value=${this.action}
            @change=${(e: Event) => (this.action = (e.target as HTMLSelectElement).value as "blur" | "black")}
          >
            <option value="blur">${t("action_blur")}</option>
            <option value="black">${t("action_black")}</option>
          </select></label
        >
        <button class="add-rect" ?disabled=${this.full} @click=${() => this.addRectangle()}>
          ${t("add_rectangle")}
        </button>
      </div>
      ${this.full ? html`<p class="muted masks-full" role="status">${t("masks_full", { max: MAX_REGIONS })}</p>` : nothing}
      ${still?.url ? nothing : html`<p class="muted no-still">${t("no_still")}</p>`}
      <div class="layout">
        <dv-region-canvas
          .t=${t}
          .src=${still?.url ?? ""}
          .aspect=${aspectOf(still)}
          .regions=${regions}
          .selected=${this.selected}
          .tool=${this.tool}
          .label=${t("canvas_label", { camera: data.name })}
          @dv-draw=${this.onDraw}
          @dv-select=${(e: CustomEvent<{ id?: string }>) => (this.selected = e.detail.id)}
          @dv-change=${(e: CustomEvent<{ id: string; points: Point[] }>) =>
            this.editItem(e.detail.id, (i) => ({ ...i, region: { ...i.region, points: e.detail.points } }))}
          @dv-delete=${(e: CustomEvent<{ id: string }>) => this.removeRegion(e.detail.id)}
        ></dv-region-canvas>
        <div class="side">
          ${this.renderList()} ${this.renderStanding(data)}
          <div class="row actions">
            <button class="primary save" ?disabled=${this.saving || !this.dirty} @click=${() => void this.save()}>
              ${t("save_masks")}
            </button>
            ${this.dirty ? html`<span class="muted unsaved">${t("unsaved")}</span>` : nothing}
            ${this.saved ? html`<span class="saved" role="status">${t("masks_saved")}</span>` : nothing}
          </div>
          ${this.error ? html`<p class="error save-error" role="alert">${this.error}</p>` : nothing}
        </div>
      </div>
    </section>`;
  }

  private pick(tool: Tool): void {
    this.canvas?.cancel();
    this.tool = tool;
  }

  static styles = [
    shared,
    layout,
    choices,
    css`
      .toolbar {
        margin-bottom: 8px;
      }
      ol.regions li .check {
        flex: 1 1 100%;
      }
      .toolbar label {
        display: flex;
        gap: 6px;
        align-items: center;
      }
      ol.regions {
        list-style: none;
        padding: 0;
        margin: 0;
      }
      ol.regions li {
        display: flex;
        flex-wrap: wrap;
        gap: 8px;
        align-items: center;
        padding: 6px;
        border-bottom: 1px solid var(--dv-border);
      }
      ol.regions li.selected {
        background: var(--secondary-background-color, #f3f3f3);
      }
      ol.regions .pick {
        flex: 1 1 10em;
        text-align: left;
        border: none;
        background: none;
      }
      fieldset {
        margin: 12px 0;
      }
      .saved {
        color: var(--dv-success);
      }
    `,
  ];
}

declare global {
  interface HTMLElementTagNameMap {
    "dv-masks-editor": DvMasksEditor;
  }
}
