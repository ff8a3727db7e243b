import { signPath } from "./api.js";
import type { Hass } from "./types.js";

/** Download an authenticated path: sign it, then follow a temporary link. */
export async function download(hass: Hass, path: string, filename?: string): Promise<string> {
  const signed = await signPath(hass, path, 300);
  const link = document.createElement("a");
  link.href = signed;
  if (filename) link.download = filename;
  else link.download = "";
  document.body.appendChild(link);
  link.click();
  link.remove();
  return signed;
}
