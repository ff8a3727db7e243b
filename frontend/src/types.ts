// What the panel receives from Home Assistant and from Doorbell Vault's websocket API.

export interface HassLocale {
  language: string;
  time_zone?: string; // "local" | "server"
  number_format?: string;
  time_format?: string;
}

export interface HassUser {
  id: string;
  name: string;
  is_admin: boolean;
}

export interface HassMessageBase {
  type: string;
  [key: string]: unknown;
}

export interface HassConnection {
  subscribeMessage<T>(
    callback: (message: T) => void,
    subscribeMessage: HassMessageBase,
    options?: { resubscribe?: boolean },
  ): Promise<() => Promise<void>>;
}

export interface Hass {
  language: string;
  locale?: HassLocale;
  config: { time_zone: string; latitude: number; longitude: number; version?: string };
  user?: HassUser;
  connection: HassConnection;
  callWS<T>(message: HassMessageBase): Promise<T>;
}

/** A string of the catalogue in the user's language, {name} placeholders filled in (i18n.ts makes one). */
export type Translate = (key: string, values?: Record<string, string | number>) => string;

export interface PanelRoute {
  prefix: string;
  path: string;
}

export type Status =
  | "pending"
  | "shared"
  | "declined"
  | "rejected"
  | "expired"
  | "withdrawn"
  | "revoked";

export const STATUSES: Status[] = [
  "pending",
  "shared",
  "declined",
  "rejected",
  "expired",
  "withdrawn",
  "revoked",
];

/** A request summary (R in the API contract). */
export interface RequestSummary {
  request_id: string;
  agency: string;
  case_number: string | null;
  legal_basis: string | null;
  start: string;
  end: string;
  status: Status;
  problems: string[];
  deadline: string;
  decided_by: string | null;
  received: string;
  cameras_with_footage: string[];
  progress: string | null;
  source: string; // "webhook" | "service" | "email"
  verified: boolean;
}

/** A request that changed, as the panel's subscription announced it (serial: the announcement's number). */
export interface Change {
  request: RequestSummary;
  serial: number;
}

export interface RequestList {
  requests: RequestSummary[];
  total: number;
  agencies: string[];
}

export interface Segment {
  id: number | string;
  start: string;
  end: string;
  url: string;
}

export interface Gap {
  start: string;
  end: string;
}

export interface CameraFootage {
  camera_id: string;
  name: string;
  segments: Segment[];
  gaps: Gap[];
  has_footage: boolean;
}

export interface ShareFile {
  name: string;
  camera: string;
  bytes: number;
  sha256: string;
  start: string;
  end: string;
}

export interface ShareState {
  created: string;
  expires: string;
  max_downloads: number;
  downloads: number;
  ended: string | null;
  end_reason: string | null;
  files: ShareFile[];
}

export interface DownloadRow {
  at: string;
  remote: string;
  user_agent: string | null;
  bytes: number;
  completed: boolean;
}

export interface RequestDetail extends RequestSummary {
  fields: Record<string, unknown>;
  distance_m: number | null;
  home_in_area: boolean | null;
  message: string | null;
  cameras: CameraFootage[];
  share: ShareState | null;
  downloads: DownloadRow[];
}

export interface PreviewFile {
  name: string;
  camera: string;
  start: string;
  end: string;
  duration_s: number;
  bytes: number;
  /** How the clip would be made. */
  redaction?: RedactionMode;
}

export interface Preview {
  files: PreviewFile[];
  total_bytes: number;
  errors?: unknown;
}

export interface ShareResult {
  share_url: string;
  expires_at: string;
  files: unknown[];
}

export interface DecideResult extends RequestSummary {
  share?: ShareResult;
}

export interface AuditVerify {
  ok: boolean;
  entries: number;
  head: string | null;
  problem: null | { seq: number; kind: string; reason: string };
}

export interface KeyFingerprint {
  /** null until the signing key is loaded. */
  fingerprint: null | { hex: string; words: string };
}

export interface AuditExport {
  path: string;
  entries: number;
  head: string | null;
  ok: boolean;
  url: string;
}

export interface MonthRow {
  month: string;
  [outcome: string]: number | string;
}

export interface Report {
  by_outcome: Record<string, number>;
  /** Per agency: a count per outcome, and `total`. */
  by_agency: Record<string, Record<string, number>>;
  by_legal_basis: Record<string, number>;
  by_month: MonthRow[];
  median_minutes_to_decision: number | null;
  minutes_shared: number;
  downloads: number;
  markdown_url: string;
  csv_url: string;
}

/** A request as the dashboard card shows it (to every user it is visible to: no link, no contact). */
export type CardRequest = Pick<
  RequestSummary,
  | "request_id"
  | "agency"
  | "case_number"
  | "legal_basis"
  | "start"
  | "end"
  | "deadline"
  | "status"
  | "decided_by"
  | "verified"
  | "source"
  | "problems"
  | "cameras_with_footage"
  | "progress"
>;

/** What `doorbell_vault/card/subscribe` sends, at once and after every change. */
export type CardSnapshot =
  | { visible: false }
  | {
      visible: true;
      can_decide: boolean;
      pending: CardRequest[];
      pending_total: number;
      decided: CardRequest[];
      cameras: string[];
    };

/** The card's configuration in a dashboard (custom:doorbell-vault-requests-card). */
export interface CardConfig {
  type: string;
  /** Only requests with footage on these cameras (camera names); none or empty: every request. */
  cameras?: string[];
  /** Show the latest decisions under the pending requests (default true). */
  show_decided?: boolean;
  /** One line per request (default false). */
  compact?: boolean;
}

/** What a share from a camera holds: bit-exact originals, the masks applied, or masks plus blurred faces. */
export type RedactionMode = "originals" | "masks" | "masks_faces";

export const REDACTION_MODES: RedactionMode[] = ["originals", "masks", "masks_faces"];

/** A point in fractions of the frame: 0 at the left/top, 1 at the right/bottom. */
export type Point = [number, number];

/** A region to hide (or to keep clear of the face detector): a rectangle (2 corners) or a polygon. */
export interface MaskRegion {
  id: string;
  shape: "rect" | "polygon";
  points: Point[];
  action: "blur" | "black";
  label?: string;
}

/** A camera's privacy masks (redaction/regions.py `masks_to_json`). */
export interface Masks {
  regions: MaskRegion[];
  clear: MaskRegion[];
  standing: RedactionMode;
}

export interface DetectorStatus {
  available: boolean;
  reason: string | null;
  name: string;
  version: string | null;
}

/** A picture of the camera to draw on (the camera entity's), and the recorded frame's size; null: unknown. */
export interface Still {
  url: string | null;
  width: number | null;
  height: number | null;
}

/** What `doorbell_vault/cameras/masks` answers. */
export interface CameraMasks {
  camera_id: string;
  name: string;
  masks: Masks;
  still: Still | null;
  updated?: string | null;
  detector: DetectorStatus;
}

/** A box drawn by hand for one share: a rectangle, hidden from `start` to `end` (seconds into the window). */
export interface RedactionBox {
  camera_id: string;
  points: [Point, Point];
  start?: number;
  end?: number;
}

/** The owner's redaction choice for one share. Absent, or without a mode: each camera's standing choice
 * (boxes drawn over a camera whose standing choice is the originals turn its masks on). */
export interface Redaction {
  mode?: RedactionMode;
  boxes: RedactionBox[];
}

/** What `doorbell_vault/requests/redaction_preview` answers: two signed URLs to play side by side. */
export interface RedactionPreview {
  original_url: string;
  redacted_url: string;
  start: string;
  seconds: number;
  /** The original starts on the keyframe at or before the window: this many seconds before it. */
  original_lead_s?: number;
  faces: number;
}

/** A camera of the hub (a config subentry of type "camera"). */
export interface CameraRef {
  camera_id: string;
  name: string;
}
