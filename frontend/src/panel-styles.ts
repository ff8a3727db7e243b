// Styles only the panel's views use, kept out of `shared` so the dashboard card's bundle does not carry them.
import { css } from "lit";

export const spinner = css`
  /* A spinner beside a step under way (a preview rendering, a package building). */
  .spinner {
    display: inline-block;
    width: 12px;
    height: 12px;
    border: 2px solid var(--dv-accent);
    border-right-color: transparent;
    border-radius: 50%;
    animation: spin 1s linear infinite;
    vertical-align: middle;
  }
  @keyframes spin {
    to {
      transform: rotate(360deg);
    }
  }
`;

export const layout = css`
  /* Two columns (the picture, its controls) side by side, one column on a phone. */
  .layout {
    display: grid;
    grid-template-columns: minmax(0, 3fr) minmax(0, 2fr);
    gap: var(--dv-gap);
    align-items: start;
  }
  @media (max-width: 900px) {
    .layout {
      grid-template-columns: minmax(0, 1fr);
    }
  }
`;

/** A group of choices: a fieldset of check or radio labels; the chosen button of a group (a tool, a camera). */
export const choices = css`
  fieldset {
    border: 1px solid var(--dv-border);
    border-radius: 8px;
    margin: 0 0 12px;
  }
  label.check {
    display: flex;
    gap: 8px;
    align-items: center;
    min-height: 40px;
  }
  button[aria-pressed="true"],
  button[aria-selected="true"] {
    border-color: var(--dv-accent);
    box-shadow: inset 0 0 0 1px var(--dv-accent);
  }
`;
