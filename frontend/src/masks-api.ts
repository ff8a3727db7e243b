// The privacy masks' websocket commands (a camera's masks, saving them, a redacted preview) and the list of
// cameras (Home Assistant's own config entry commands: each camera is a subentry of the hub).
import type {
  CameraMasks,
  CameraRef,
  Hass,
  Masks,
  Redaction,
  RedactionPreview,
} from "./types.js";

export function getMasks(hass: Hass, cameraId: string): Promise<CameraMasks> {
  return hass.callWS<CameraMasks>({ type: "doorbell_vault/cameras/masks", camera_id: cameraId });
}

export async function setMasks(hass: Hass, cameraId: string, masks: Masks): Promise<Masks> {
  const result = await hass.callWS<{ masks: Masks }>({
    type: "doorbell_vault/cameras/masks/set",
    camera_id: cameraId,
    masks,
  });
  return result.masks;
}

export interface PreviewChoice {
  start?: string;
  end?: string;
  redaction: Redaction;
}

export function redactionPreview(
  hass: Hass,
  requestId: string,
  cameraId: string,
  choice: PreviewChoice,
): Promise<RedactionPreview> {
  return hass.callWS<RedactionPreview>({
    type: "doorbell_vault/requests/redaction_preview",
    request_id: requestId,
    camera_id: cameraId,
    ...choice,
  });
}

interface EntryJson {
  entry_id: string;
}

interface SubentryJson {
  subentry_id: string;
  subentry_type: string;
  title: string;
}

/** The hub's cameras, in the order they were added. */
export async function listCameras(hass: Hass): Promise<CameraRef[]> {
  const entries = await hass.callWS<EntryJson[]>({ type: "config_entries/get", domain: "doorbell_vault" });
  const cameras: CameraRef[] = [];
  for (const entry of entries) {
    const subentries = await hass.callWS<SubentryJson[]>({
      type: "config_entries/subentries/list",
      entry_id: entry.entry_id,
    });
    for (const sub of subentries) {
      if (sub.subentry_type === "camera") cameras.push({ camera_id: sub.subentry_id, name: sub.title });
    }
  }
  return cameras;
}
