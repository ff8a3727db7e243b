// A package's build progress as the subscription sends it ("redacting Front door 42 %", "hashing"): the
// text, and a bar when it names a percentage.
import { html, nothing } from "lit";

import type { Translate } from "./types.js";

export function percentOf(progress: string): number | undefined {
  const found = /(\d{1,3}(?:[.,]\d+)?)\s*%/.exec(progress);
  if (!found) return undefined;
  const value = Number(found[1].replace(",", "."));
  return value >= 0 && value <= 100 ? value : undefined;
}

export function renderProgress(t: Translate, progress: string) {
  const percent = percentOf(progress);
  return html`<div class="progress" role="status" data-progress=${progress}>
    <p><span class="spinner"></span> ${t("building", { progress })}</p>
    ${percent === undefined
      ? nothing
      : html`<progress max="100" .value=${percent} aria-label=${t("building", { progress })}></progress>`}
  </div>`;
}
