// Strings are the panel's own catalogue (custom_components/doorbell_vault/frontend/translations/<lang>.json:
// Home Assistant's translation files have no section for a panel), served by `doorbell_vault/strings` in the
// user's language over English. {name} placeholders are filled in here.
import type { Hass, Translate } from "./types.js";

export async function loadStrings(hass: Hass): Promise<Record<string, string>> {
  const result = await hass.callWS<{ strings: Record<string, string> }>({
    type: "doorbell_vault/strings",
    language: hass.language,
  });
  return result.strings;
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
