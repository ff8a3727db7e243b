// Doorbell Vault's websocket commands, typed.
import type {
  AuditExport,
  AuditVerify,
  CardSnapshot,
  DecideResult,
  Hass,
  HassMessageBase,
  KeyFingerprint,
  Preview,
  Redaction,
  Report,
  RequestDetail,
  RequestList,
  RequestSummary,
  Status,
} from "./types.js";

export const PAGE_SIZE = 50;

export function listRequests(
  hass: Hass,
  options: { status?: Status | ""; agency?: string; offset?: number; limit?: number },
): Promise<RequestList> {
  const message: HassMessageBase = {
    type: "doorbell_vault/requests/list",
    offset: options.offset ?? 0,
    limit: options.limit ?? PAGE_SIZE,
  };
  if (options.status) message.status = options.status;
  if (options.agency) message.agency = options.agency;
  return hass.callWS<RequestList>(message);
}

export function getRequest(hass: Hass, requestId: string): Promise<RequestDetail> {
  return hass.callWS<RequestDetail>({ type: "doorbell_vault/requests/get", request_id: requestId });
}

export interface Selection {
  cameras?: string[];
  start?: string;
  end?: string;
  include_audio?: boolean;
  /** What the share hides; absent: each camera's standing choice. */
  redaction?: Redaction;
}

export function previewPackage(hass: Hass, requestId: string, selection: Selection): Promise<Preview> {
  return hass.callWS<Preview>({
    type: "doorbell_vault/requests/preview",
    request_id: requestId,
    ...selection,
  });
}

export interface ShareOptions extends Selection {
  expires_in_hours?: number;
  max_downloads?: number;
}

export function share(hass: Hass, requestId: string, options: ShareOptions): Promise<DecideResult> {
  return hass.callWS<DecideResult>({
    type: "doorbell_vault/requests/decide",
    request_id: requestId,
    decision: "share",
    ...options,
  });
}

export function decline(
  hass: Hass,
  requestId: string,
  message: string,
  always: boolean,
): Promise<DecideResult> {
  const call: Record<string, unknown> = { request_id: requestId, decision: "decline" };
  if (message.trim()) call.message = message.trim();
  if (always) call.always_decline_agency = true;
  return hass.callWS<DecideResult>({ type: "doorbell_vault/requests/decide", ...call });
}

export function revoke(hass: Hass, requestId: string): Promise<DecideResult> {
  return hass.callWS<DecideResult>({
    type: "doorbell_vault/requests/decide",
    request_id: requestId,
    decision: "revoke",
  });
}

export function subscribeRequests(
  hass: Hass,
  callback: (request: RequestSummary) => void,
): Promise<() => Promise<void>> {
  return hass.connection.subscribeMessage<RequestSummary>(callback, {
    type: "doorbell_vault/requests/subscribe",
  });
}

export function verifyAudit(hass: Hass): Promise<AuditVerify> {
  return hass.callWS<AuditVerify>({ type: "doorbell_vault/audit/verify" });
}

export function getFingerprint(hass: Hass): Promise<KeyFingerprint> {
  return hass.callWS<KeyFingerprint>({ type: "doorbell_vault/audit/fingerprint" });
}

export function exportAudit(hass: Hass): Promise<AuditExport> {
  return hass.callWS<AuditExport>({ type: "doorbell_vault/audit/export" });
}

export function getReport(hass: Hass, since?: string): Promise<Report> {
  return hass.callWS<Report>(
    since ? { type: "doorbell_vault/report", since } : { type: "doorbell_vault/report" },
  );
}

/** An authenticated path made usable by <video> and plain links (core's auth/sign_path). */
export async function signPath(hass: Hass, path: string, expires = 3600): Promise<string> {
  const result = await hass.callWS<{ path: string }>({ type: "auth/sign_path", path, expires });
  return result.path;
}

/** The message of a websocket error, or the error itself. */
export function errorText(err: unknown): string {
  if (err && typeof err === "object" && "message" in err) {
    return String((err).message);
  }
  return String(err);
}

/** The dashboard card's subscription: a snapshot at once and after every change (any signed-in user). */
export function subscribeCard(
  hass: Hass,
  callback: (snapshot: CardSnapshot) => void,
  decided = 5,
): Promise<() => Promise<void>> {
  return hass.connection.subscribeMessage<CardSnapshot>(callback, {
    type: "doorbell_vault/card/subscribe",
    decided,
  });
}
