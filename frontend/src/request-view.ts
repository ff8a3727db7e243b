// One request: every field, each camera's footage over the asked window, the package to share (cameras,
// a narrower window, audio, link lifetime and downloads, previewed before anything is built), Share or
// Decline; after sharing the link once, the build's progress, the live download log, expiry and Revoke.
import { LitElement, css, html, nothing, type PropertyValues } from "lit";
import { customElement, property, state } from "lit/decorators.js";

import {
  decline,
  errorText,
  getRequest,
  previewPackage,
  revoke,
  share,
  type ShareOptions,
} from "./api.js";
import {
  formatBytes,
  formatClock,
  formatDateTime,
  formatDistance,
  formatSpan,
  formatUtc,
  isoOf,
  ms,
} from "./format.js";
import { PANEL_PATH, navigate } from "./navigate.js";
import { choices, layout, spinner } from "./panel-styles.js";
import "./player.js";
import { renderProgress } from "./progress.js";
import "./redaction-choice.js";
import { shared } from "./styles.js";
import type {
  CameraFootage,
  Change,
  DecideResult,
  Hass,
  Preview,
  Redaction,
  RequestDetail,
  RequestSummary,
  ShareResult,
  Translate,
} from "./types.js";

/** The decision's answer without the one-time link (kept apart; never stored with the request). */
function summaryOf(result: DecideResult): RequestSummary {
  const { share: _link, ...summary } = result;
  return summary;
}

function show(value: unknown): string {
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  return JSON.stringify(value);
}

const SHOWN_FIELDS = new Set([
  "agency",
  "case_number",
  "legal_basis",
  "requester_name",
  "requester_email",
  "reason",
  "latitude",
  "longitude",
  "radius_m",
  "start",
  "end",
]);

@customElement("dv-request-view")
export class DvRequestView extends LitElement {
  @property({ attribute: false }) hass!: Hass;
  @property({ attribute: false }) t!: Translate;
  @property({ attribute: false }) requestId!: string;
  @property({ attribute: false }) change?: Change;
  @property({ type: Boolean }) narrow = false;

  @state() private detail?: RequestDetail;
  @state() private error?: string;
  @state() private actionError?: string;
  @state() private busy = false;
  @state() private excluded = new Set<string>();
  @state() private trimStart = 0;
  @state() private trimEnd = 0;
  @state() private includeAudio = false;
  @state() private redaction?: Redaction;
  @state() private hours = "";
  @state() private maxDownloads = "";
  @state() private preview?: Preview;
  @state() private previewError?: string;
  @state() private previewing = false;
  @state() private declineMessage = "";
  @state() private shareResult?: ShareResult;
  @state() private copied = false;
  @state() private confirmRevoke = false;
  @state() private now = Date.now();

  private timer?: number;
  private previewTimer?: number;
  private previewSerial = 0;
  private loadSerial = 0;

  connectedCallback(): void {
    super.connectedCallback();
    this.timer = window.setInterval(() => (this.now = Date.now()), 1000);
  }

  disconnectedCallback(): void {
    super.disconnectedCallback();
    window.clearInterval(this.timer);
    window.clearTimeout(this.previewTimer);
  }

  protected willUpdate(changed: PropertyValues<this>): void {
    if (changed.has("requestId")) {
      this.detail = undefined;
      this.shareResult = undefined;
      this.preview = undefined;
      this.excluded = new Set();
      this.includeAudio = false;
      this.redaction = undefined;
      this.declineMessage = "";
      this.confirmRevoke = false;
      this.load(true);
    }
    if (
      changed.has("change") &&
      !changed.has("requestId") &&
      this.change?.request.request_id === this.requestId
    ) {
      // Status, build progress or a download changed: show the new summary now, then fetch the rest.
      if (this.detail) this.detail = { ...this.detail, ...this.change.request };
      this.load(false);
    }
  }

  /** Fetch the request; a failure (say, while the entry reloads) is retried a few times before shown. */
  private load(first: boolean, attempt = 0): void {
    const serial = ++this.loadSerial;
    getRequest(this.hass, this.requestId)
      .then((detail) => {
        if (serial !== this.loadSerial) return;
        this.detail = detail;
        this.error = undefined;
        if (first) {
          this.trimStart = ms(detail.start);
          this.trimEnd = ms(detail.end);
          this.excluded = new Set(detail.cameras.filter((c) => !c.has_footage).map((c) => c.camera_id));
          if (detail.status === "pending") this.schedulePreview(0);
        }
      })
      .catch((err: unknown) => {
        if (serial !== this.loadSerial) return;
        if (attempt < 5) {
          window.setTimeout(() => {
            if (serial === this.loadSerial) this.load(first, attempt + 1);
          }, 1000);
        } else {
          this.error = errorText(err);
        }
      });
  }

  private get chosenFootage(): CameraFootage[] {
    return (this.detail?.cameras ?? []).filter((c) => !this.excluded.has(c.camera_id));
  }

  private get chosenCameras(): string[] {
    return this.chosenFootage.map((c) => c.camera_id);
  }

  private selection(): ShareOptions {
    const detail = this.detail!;
    const options: ShareOptions = {
      cameras: this.chosenCameras,
      include_audio: this.includeAudio,
    };
    if (this.trimStart > ms(detail.start)) options.start = isoOf(this.trimStart);
    if (this.trimEnd < ms(detail.end)) options.end = isoOf(this.trimEnd);
    if (this.redaction) options.redaction = this.redaction;
    return options;
  }

  private schedulePreview(delay = 350): void {
    window.clearTimeout(this.previewTimer);
    this.previewTimer = window.setTimeout(() => this.runPreview(), delay);
  }

  private runPreview(): void {
    if (!this.detail || this.detail.status !== "pending") return;
    const serial = ++this.previewSerial;
    this.previewing = true;
    previewPackage(this.hass, this.requestId, this.selection())
      .then((preview) => {
        if (serial !== this.previewSerial) return;
        this.preview = preview;
        this.previewError = undefined;
      })
      .catch((err: unknown) => {
        if (serial !== this.previewSerial) return;
        this.preview = undefined;
        this.previewError = errorText(err);
      })
      .finally(() => {
        if (serial === this.previewSerial) this.previewing = false;
      });
  }

  private toggleCamera(cameraId: string, event: Event): void {
    const checked = (event.target as HTMLInputElement).checked;
    const excluded = new Set(this.excluded);
    if (checked) excluded.delete(cameraId);
    else excluded.add(cameraId);
    this.excluded = excluded;
    this.schedulePreview();
  }

  /** The two handles only narrow: they live inside the asked window and never cross. */
  private onTrim(which: "start" | "end", event: Event): void {
    const detail = this.detail!;
    const input = event.target as HTMLInputElement;
    const start = ms(detail.start);
    const end = ms(detail.end);
    const moment = start + Number(input.value) * 1000;
    if (which === "start") {
      this.trimStart = Math.min(Math.max(moment, start), this.trimEnd - 1000);
      input.value = String((this.trimStart - start) / 1000);
    } else {
      this.trimEnd = Math.max(Math.min(moment, end), this.trimStart + 1000);
      input.value = String((this.trimEnd - start) / 1000);
    }
    this.schedulePreview();
  }

  private async doShare(): Promise<void> {
    const options = this.selection();
    const hours = Number(this.hours);
    const downloads = Number(this.maxDownloads);
    if (this.hours && hours > 0) options.expires_in_hours = Math.round(hours);
    if (this.maxDownloads && downloads > 0) options.max_downloads = Math.round(downloads);
    await this.act(async () => {
      const result = await share(this.hass, this.requestId, options);
      if (result.share) this.shareResult = result.share;
      this.detail = { ...this.detail!, ...summaryOf(result) };
    });
  }

  private async doDecline(always: boolean): Promise<void> {
    await this.act(async () => {
      const result = await decline(this.hass, this.requestId, this.declineMessage, always);
      this.detail = { ...this.detail!, ...summaryOf(result) };
    });
  }

  private async doRevoke(): Promise<void> {
    this.confirmRevoke = false;
    await this.act(async () => {
      const result = await revoke(this.hass, this.requestId);
      this.detail = { ...this.detail!, ...summaryOf(result) };
    });
  }

  private async act(action: () => Promise<void>): Promise<void> {
    this.busy = true;
    this.actionError = undefined;
    try {
      await action();
      this.load(false);
    } catch (err) {
      this.actionError = errorText(err);
    } finally {
      this.busy = false;
    }
  }

  private async copyLink(): Promise<void> {
    const url = this.shareResult?.share_url;
    if (!url) return;
    try {
      await navigator.clipboard.writeText(url);
    } catch {
      // Plain http (no secure context): select the text and use the legacy command.
      const field = this.renderRoot.querySelector<HTMLInputElement>("input.share-url");
      field?.select();
      document.execCommand("copy");
    }
    this.copied = true;
  }

  private back(event: Event): void {
    event.preventDefault();
    navigate(PANEL_PATH);
  }

  private renderFacts(detail: RequestDetail) {
    const t = this.t;
    const f = detail.fields;
    const text = (value: unknown) => (value === null || value === undefined || value === "" ? "—" : show(value));
    const radius = typeof f.radius_m === "number" ? f.radius_m : null;
    const extra = Object.entries(f).filter(([key, value]) => !SHOWN_FIELDS.has(key) && value !== null);
    const left = ms(detail.deadline) - this.now;
    return html`
      <dl class="facts">
        <dt>${t("field_agency")}</dt>
        <dd class="agency">${detail.agency}</dd>
        <dt>${t("field_case_number")}</dt>
        <dd>${text(detail.case_number)}</dd>
        <dt>${t("field_legal_basis")}</dt>
        <dd>${detail.legal_basis ? t(`legal_basis_${detail.legal_basis}`) : "—"}</dd>
        <dt>${t("field_requester")}</dt>
        <dd>${text(f.requester_name)}${f.requester_email ? html` · <span>${show(f.requester_email)}</span>` : nothing}</dd>
        <dt>${t("field_reason")}</dt>
        <dd class="reason">${text(f.reason)}</dd>
        <dt>${t("field_window")}</dt>
        <dd class="window" title=${`${formatUtc(detail.start)} – ${formatUtc(detail.end)}`}>
          ${formatDateTime(this.hass, detail.start)} – ${formatDateTime(this.hass, detail.end)}
          <span class="muted">(${formatClock((ms(detail.end) - ms(detail.start)) / 1000)})</span>
        </dd>
        <dt>${t("field_area")}</dt>
        <dd class="area">
          ${detail.distance_m === null
            ? t("area_unknown")
            : t("area_text", {
                distance: formatDistance(this.hass, detail.distance_m),
                radius: radius === null ? "—" : formatDistance(this.hass, radius),
              })}
          ${detail.home_in_area === null
            ? nothing
            : html`<span class="badge ${detail.home_in_area ? "" : "unverified"}"
                >${detail.home_in_area ? t("home_in_area") : t("home_outside_area")}</span
              >`}
        </dd>
        <dt>${t("field_received")}</dt>
        <dd title=${formatUtc(detail.received)}>
          ${formatDateTime(this.hass, detail.received)} · ${t(`source_${detail.source}`)}
          <span
              class="badge ${detail.verified ? "verified" : "unverified"}"
              data-verified=${String(detail.verified)}
              title=${detail.verified ? t("verified_help") : t("unverified_help")}
            >${detail.verified ? t("verified") : t("unverified")}</span
          >
        </dd>
        <dt>${t("field_deadline")}</dt>
        <dd title=${formatUtc(detail.deadline)}>
          ${formatDateTime(this.hass, detail.deadline)}
          ${detail.status === "pending"
            ? html`<strong class="deadline"
                >${left > 0 ? t("time_left", { span: formatSpan(this.hass, left) }) : t("deadline_passed")}</strong
              >`
            : nothing}
        </dd>
        ${detail.decided_by
          ? html`<dt>${t("field_decided_by")}</dt>
              <dd>${t(`decided_by_${detail.decided_by}`)}</dd>`
          : nothing}
        ${detail.message
          ? html`<dt>${t("field_message")}</dt>
              <dd class="message">${detail.message}</dd>`
          : nothing}
        ${extra.map(
          ([key, value]) => html`<dt>${key}</dt>
            <dd>${show(value)}</dd>`,
        )}
      </dl>
      ${detail.problems.length
        ? html`<div class="problems">
            <h3>${t("problems")}</h3>
            <ul>
              ${detail.problems.map((p) => html`<li data-problem=${p}>${t(`problem_${p}`)}</li>`)}
            </ul>
          </div>`
        : html`<p class="muted">${t("no_problems")}</p>`}
    `;
  }

  private renderCameras(detail: RequestDetail) {
    const t = this.t;
    const pending = detail.status === "pending";
    if (!detail.cameras.length) return html`<p class="muted">${t("no_cameras")}</p>`;
    return html`<div class="cameras">
      ${detail.cameras.map(
        (camera) => html`<section class="card camera" data-camera=${camera.camera_id}>
          <div class="row camera-head">
            ${pending
              ? html`<label class="include"
                  ><input
                    type="checkbox"
                    name="camera"
                    .value=${camera.camera_id}
                    .checked=${!this.excluded.has(camera.camera_id)}
                    ?disabled=${!camera.has_footage}
                    @change=${(e: Event) => this.toggleCamera(camera.camera_id, e)}
                  />
                  <h3>${camera.name}</h3></label
                >`
              : html`<h3>${camera.name}</h3>`}
          </div>
          <dv-player
            .hass=${this.hass}
            .t=${t}
            .camera=${camera}
            .windowStart=${ms(detail.start)}
            .windowEnd=${ms(detail.end)}
            .trimStart=${pending ? this.trimStart : ms(detail.start)}
            .trimEnd=${pending ? this.trimEnd : ms(detail.end)}
          ></dv-player>
        </section>`,
      )}
    </div>`;
  }

  private renderDecision(detail: RequestDetail) {
    const t = this.t;
    const start = ms(detail.start);
    const seconds = Math.round((ms(detail.end) - start) / 1000);
    const preview = this.preview;
    const nothingChosen = this.chosenCameras.length === 0;
    const chosen = this.selection();
    return html`
      <section class="card decide">
        <h2>${t("share_heading")}</h2>
        <fieldset class="trim">
          <legend>${t("trim_legend")}</legend>
          <label
            >${t("trim_from")}
            <input
              type="range"
              name="trim-start"
              min="0"
              max=${seconds}
              step="1"
              .value=${String(Math.round((this.trimStart - start) / 1000))}
              @input=${(e: Event) => this.onTrim("start", e)}
            />
            <span class="trim-time" title=${formatUtc(isoOf(this.trimStart))}
              >${formatDateTime(this.hass, isoOf(this.trimStart))}</span
            >
          </label>
          <label
            >${t("trim_to")}
            <input
              type="range"
              name="trim-end"
              min="0"
              max=${seconds}
              step="1"
              .value=${String(Math.round((this.trimEnd - start) / 1000))}
              @input=${(e: Event) => this.onTrim("end", e)}
            />
            <span class="trim-time" title=${formatUtc(isoOf(this.trimEnd))}
              >${formatDateTime(this.hass, isoOf(this.trimEnd))}</span
            >
          </label>
          <p class="muted">${t("trim_help")}</p>
        </fieldset>
        <div class="options">
          <label class="check"
            ><input
              type="checkbox"
              name="include-audio"
              .checked=${this.includeAudio}
              @change=${(e: Event) => {
                this.includeAudio = (e.target as HTMLInputElement).checked;
                this.schedulePreview();
              }}
            />
            ${t("include_audio")}</label
          >
          <label
            >${t("expires_in_hours")}
            <input
              type="number"
              name="expires-in-hours"
              min="1"
              max="2160"
              placeholder=${t("owner_default")}
              .value=${this.hours}
              @input=${(e: Event) => (this.hours = (e.target as HTMLInputElement).value)}
          /></label>
          <label
            >${t("max_downloads")}
            <input
              type="number"
              name="max-downloads"
              min="1"
              max="100"
              placeholder=${t("owner_default")}
              .value=${this.maxDownloads}
              @input=${(e: Event) => (this.maxDownloads = (e.target as HTMLInputElement).value)}
          /></label>
        </div>
        <dv-redaction-choice
          .hass=${this.hass}
          .t=${t}
          .requestId=${this.requestId}
          .cameras=${this.chosenFootage}
          .start=${chosen.start}
          .end=${chosen.end}
          .disabled=${this.busy}
          @dv-redaction=${(e: CustomEvent<{ redaction?: Redaction }>) => {
            this.redaction = e.detail.redaction;
            this.schedulePreview();
          }}
        ></dv-redaction-choice>
        <div class="preview" aria-busy=${this.previewing ? "true" : "false"}>
          <h3>${t("preview_heading")}</h3>
          ${this.previewError ? html`<p class="error">${this.previewError}</p>` : nothing}
          ${preview
            ? html`<div class="table-wrap">
                <table class="preview-files">
                  <thead>
                    <tr>
                      <th>${t("preview_file")}</th>
                      <th>${t("preview_camera")}</th>
                      <th>${t("preview_duration")}</th>
                      <th>${t("preview_size")}</th>
                    </tr>
                  </thead>
                  <tbody>
                    ${preview.files.map(
                      (f) => html`<tr>
                        <td class="file-name">${f.name}</td>
                        <td>
                          ${f.camera}
                          ${f.redaction && f.redaction !== "originals"
                            ? html`<span class="badge redacted" data-redaction=${f.redaction}
                                >${t(`mode_${f.redaction}`)}</span
                              >`
                            : nothing}
                        </td>
                        <td>${formatClock(f.duration_s)}</td>
                        <td>${formatBytes(this.hass, f.bytes)}</td>
                      </tr>`,
                    )}
                  </tbody>
                  <tfoot>
                    <tr>
                      <th colspan="3">${t("preview_total", { count: preview.files.length })}</th>
                      <th>${formatBytes(this.hass, preview.total_bytes)}</th>
                    </tr>
                  </tfoot>
                </table>
              </div>`
            : html`<p class="muted">${this.previewing ? t("loading") : ""}</p>`}
        </div>
        <div class="row actions">
          <button
            class="primary share"
            ?disabled=${this.busy || nothingChosen}
            @click=${() => void this.doShare()}
          >
            ${t("share")}
          </button>
          ${nothingChosen ? html`<span class="muted">${t("choose_a_camera")}</span>` : nothing}
        </div>
        ${detail.progress ? renderProgress(t, detail.progress) : nothing}
      </section>
      <section class="card decline">
        <h2>${t("decline_heading")}</h2>
        <label class="message"
          >${t("decline_message")}
          <textarea
            name="decline-message"
            rows="3"
            maxlength="2000"
            .value=${this.declineMessage}
            @input=${(e: Event) => (this.declineMessage = (e.target as HTMLTextAreaElement).value)}
          ></textarea>
        </label>
        <div class="row actions">
          <button class="danger decline-once" ?disabled=${this.busy} @click=${() => void this.doDecline(false)}>
            ${t("decline")}
          </button>
          <button
            class="danger decline-always"
            ?disabled=${this.busy}
            @click=${() => void this.doDecline(true)}
          >
            ${t("decline_always", { agency: detail.agency })}
          </button>
        </div>
      </section>
    `;
  }

  private renderShare(detail: RequestDetail) {
    const t = this.t;
    const state = detail.share;
    const live = state && !state.ended;
    const left = state ? ms(state.expires) - this.now : 0;
    return html`
      <section class="card shared">
        <h2>${t("share_status_heading")}</h2>
        ${this.shareResult
          ? html`<div class="link-once">
              <p><strong>${t("link_once")}</strong></p>
              <div class="row">
                <input class="share-url" type="text" readonly .value=${this.shareResult.share_url} />
                <button class="copy primary" @click=${() => void this.copyLink()}>
                  ${this.copied ? t("copied") : t("copy")}
                </button>
              </div>
            </div>`
          : nothing}
        ${detail.progress ? renderProgress(t, detail.progress) : nothing}
        ${state
          ? html`<dl class="facts">
              <dt>${t("share_created")}</dt>
              <dd title=${formatUtc(state.created)}>${formatDateTime(this.hass, state.created)}</dd>
              <dt>${t("share_expires")}</dt>
              <dd title=${formatUtc(state.expires)}>
                ${formatDateTime(this.hass, state.expires)}
                ${live && left > 0
                  ? html`<strong class="countdown">${t("expires_in", { span: formatSpan(this.hass, left) })}</strong>`
                  : nothing}
              </dd>
              <dt>${t("share_downloads")}</dt>
              <dd class="download-count">
                ${t("downloads_of", { count: state.downloads, max: state.max_downloads })}
              </dd>
              ${state.ended
                ? html`<dt>${t("share_ended")}</dt>
                    <dd class="share-ended" title=${formatUtc(state.ended)}>
                      ${formatDateTime(this.hass, state.ended)}
                      ${state.end_reason ? html`· ${t(`end_reason_${state.end_reason}`)}` : nothing}
                    </dd>`
                : nothing}
            </dl>
            ${state.files.length
              ? html`<div class="table-wrap">
                  <table class="share-files">
                    <thead>
                      <tr>
                        <th>${t("preview_file")}</th>
                        <th>${t("preview_camera")}</th>
                        <th>${t("preview_size")}</th>
                        <th>SHA-256</th>
                      </tr>
                    </thead>
                    <tbody>
                      ${state.files.map(
                        (f) => html`<tr>
                          <td>${f.name}</td>
                          <td>${f.camera}</td>
                          <td>${formatBytes(this.hass, f.bytes)}</td>
                          <td class="hash" title=${f.sha256}>${f.sha256.slice(0, 12)}…</td>
                        </tr>`,
                      )}
                    </tbody>
                  </table>
                </div>`
              : nothing}`
          : nothing}
        <h3>${t("download_log")}</h3>
        ${detail.downloads.length
          ? html`<div class="table-wrap">
              <table class="download-log">
                <thead>
                  <tr>
                    <th>${t("download_at")}</th>
                    <th>${t("download_remote")}</th>
                    <th>${t("download_bytes")}</th>
                    <th>${t("download_completed")}</th>
                  </tr>
                </thead>
                <tbody>
                  ${detail.downloads.map(
                    (d) => html`<tr>
                      <td title=${formatUtc(d.at)}>${formatDateTime(this.hass, d.at)}</td>
                      <td title=${d.user_agent ?? ""}>${d.remote}</td>
                      <td>${formatBytes(this.hass, d.bytes)}</td>
                      <td>${d.completed ? t("yes") : t("no")}</td>
                    </tr>`,
                  )}
                </tbody>
              </table>
            </div>`
          : html`<p class="muted no-downloads">${t("no_downloads")}</p>`}
        ${live
          ? html`<div class="row actions">
              ${this.confirmRevoke
                ? html`<span>${t("revoke_confirm")}</span>
                    <button class="danger revoke-confirm" ?disabled=${this.busy} @click=${() => void this.doRevoke()}>
                      ${t("revoke")}
                    </button>
                    <button @click=${() => (this.confirmRevoke = false)}>${t("cancel")}</button>`
                : html`<button class="danger revoke" @click=${() => (this.confirmRevoke = true)}>
                    ${t("revoke")}
                  </button>`}
            </div>`
          : nothing}
      </section>
    `;
  }

  render() {
    const t = this.t;
    const detail = this.detail;
    return html`
      <a class="back" href=${PANEL_PATH} @click=${this.back}>← ${t("back_to_inbox")}</a>
      ${this.error ? html`<p class="error">${this.error}</p>` : nothing}
      ${detail
        ? html`
            <div class="layout">
              <div class="main-col">
                <section class="card summary">
                  <div class="row heading">
                    <h2>${detail.agency}</h2>
                    <span class="badge status-${detail.status} status" data-status=${detail.status}
                      >${t(`status_${detail.status}`)}</span
                    >
                  </div>
                  ${this.renderFacts(detail)}
                </section>
                ${this.renderCameras(detail)}
              </div>
              <div class="side-col">
                ${this.actionError ? html`<p class="card error action-error">${this.actionError}</p>` : nothing}
                ${detail.status === "pending" ? this.renderDecision(detail) : nothing}
                ${detail.share || this.shareResult || detail.downloads.length || detail.status === "shared"
                  ? this.renderShare(detail)
                  : nothing}
              </div>
            </div>
          `
        : this.error
          ? nothing
          : html`<p class="muted">${t("loading")}</p>`}
    `;
  }

  static styles = [
    shared,
    spinner,
    layout,
    choices,
    css`
      .back {
        display: inline-block;
        margin-bottom: 12px;
        color: var(--dv-accent);
        text-decoration: none;
        padding: 8px 0;
      }
      .heading {
        justify-content: space-between;
      }
      .heading h2 {
        margin: 0;
      }
      dl.facts {
        display: grid;
        grid-template-columns: max-content minmax(0, 1fr);
        gap: 6px 16px;
        margin: 12px 0;
      }
      dl.facts dt {
        color: var(--dv-muted);
      }
      dl.facts dd {
        margin: 0;
        overflow-wrap: anywhere;
      }
      @media (max-width: 500px) {
        dl.facts {
          grid-template-columns: minmax(0, 1fr);
          gap: 2px;
        }
        dl.facts dd {
          margin-bottom: 8px;
        }
      }
      .deadline,
      .countdown {
        margin-left: 6px;
      }
      .problems {
        border-left: 4px solid var(--dv-warning);
        padding-left: 12px;
      }
      .problems ul {
        margin: 0;
        padding-left: 18px;
      }
      .camera-head {
        margin-bottom: 8px;
      }
      .camera-head h3 {
        margin: 0;
        display: inline;
      }
      label.include {
        display: flex;
        gap: 8px;
        align-items: center;
        min-height: 40px;
      }
      input[type="checkbox"] {
        width: 20px;
        height: 20px;
      }
      .trim label {
        display: grid;
        grid-template-columns: 3em minmax(0, 1fr);
        gap: 4px 8px;
        align-items: center;
      }
      .trim input[type="range"] {
        width: 100%;
        min-height: 32px;
      }
      .trim .trim-time {
        grid-column: 2;
        font-size: 0.85rem;
        color: var(--dv-muted);
      }
      .options {
        display: flex;
        flex-wrap: wrap;
        gap: 12px;
        align-items: end;
        margin-bottom: 12px;
      }
      .options label {
        display: flex;
        flex-direction: column;
        gap: 4px;
        font-size: 0.85rem;
        color: var(--dv-muted);
      }
      .options label.check {
        flex-direction: row;
        color: inherit;
        font-size: 1rem;
      }
      .options input[type="number"] {
        width: 9em;
      }
      .actions {
        margin-top: 12px;
      }
      label.message {
        display: flex;
        flex-direction: column;
        gap: 4px;
      }
      textarea {
        width: 100%;
        resize: vertical;
      }
      .link-once {
        background: var(--secondary-background-color, #f3f3f3);
        padding: 12px;
        border-radius: 8px;
        margin-bottom: 12px;
      }
      .link-once input {
        flex: 1 1 240px;
        min-width: 0;
        font-family: monospace;
      }
      .hash {
        font-family: monospace;
      }
      .progress progress {
        width: 100%;
      }
      .progress p {
        margin: 8px 0 4px;
      }
      .shared h3 {
        margin-top: 16px;
      }
      @media (max-width: 500px) {
        .actions button {
          flex: 1 1 100%;
        }
      }
    `,
  ];
}
