// The redaction modes as radio buttons: a camera's standing choice (the masks editor) and one share's choice
// (the request view's redaction choice). Style with panel-styles.ts's `choices`.
import { html } from "lit";

import { REDACTION_MODES, type RedactionMode, type Translate } from "./types.js";

export function renderModeRadios(
  t: Translate,
  name: string,
  checked: string,
  disabled: (mode: RedactionMode) => boolean,
  pick: (mode: RedactionMode) => void,
) {
  return REDACTION_MODES.map(
    (mode) => html`<label class="check"
      ><input
        type="radio"
        name=${name}
        .value=${mode}
        .checked=${checked === mode}
        ?disabled=${disabled(mode)}
        @change=${() => pick(mode)}
      />
      <span>${t(`mode_${mode}`)}</span></label
    >`,
  );
}
