// Navigate inside Home Assistant's frontend the way it does itself: push the URL, announce it.
export function navigate(path: string, replace = false): void {
  if (replace) history.replaceState(null, "", path);
  else history.pushState(null, "", path);
  window.dispatchEvent(new CustomEvent("location-changed", { detail: { replace } }));
}

export const PANEL_PATH = "/doorbell-vault";

/** A camera's privacy masks in the panel. */
export const masksPath = (cameraId: string) => `${PANEL_PATH}/masks/${encodeURIComponent(cameraId)}`;
