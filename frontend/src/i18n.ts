// Strings come from the integration's translations: the `panel` section of strings.json /
// translations/<lang>.json, fetched with core's `frontend/get_translations` (category "panel").
// Keys arrive as "component.doorbell_vault.panel.<key>"; {name} placeholders are filled in here.
import type { Hass } from "./types.js";

const PREFIX = "component.doorbell_vault.panel.";

export type Translate = (key: string, values?: Record<string, string | number>) => string;

export async function loadStrings(hass: Hass): Promise<Record<string, string>> {
  const result = await hass.callWS<{ resources: Record<string, string> }>({
    type: "frontend/get_translations",
    language: hass.language,
    category: "panel",
    integration: "doorbell_vault",
  });
  const strings: Record<string, string> = {};
  for (const [key, value] of Object.entries(result.resources)) {
    if (key.startsWith(PREFIX)) strings[key.slice(PREFIX.length)] = value;
  }
  return strings;
}

export function translator(strings: Record<string, string>): Translate {
  return (key, values) => {
    const text = strings[key];
    if (text === undefined) return key;
    if (!values) return text;
    return text.replace(/\{(\w+)\}/g, (whole, name: string) =>
      name in values ? String(values[name]) : whole,
    );
  };
}
