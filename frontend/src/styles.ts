import { css } from "lit";

// Home Assistant's theme variables, with fallbacks so the panel also reads well on its own.
export const shared = css`
  :host {
    display: block;
    color: var(--primary-text-color, #212121);
    font-family: var(--ha-font-family-body, Roboto, "Noto Sans", sans-serif);
    --dv-gap: 16px;
    --dv-card: var(--card-background-color, #fff);
    --dv-border: var(--divider-color, #e0e0e0);
    --dv-muted: var(--secondary-text-color, #727272);
    --dv-accent: var(--primary-color, #03a9f4);
    --dv-error: var(--error-color, #db4437);
    --dv-warning: var(--warning-color, #ffa600);
    --dv-success: var(--success-color, #43a047);
  }
  .card {
    background: var(--dv-card);
    border: 1px solid var(--dv-border);
    border-radius: var(--ha-card-border-radius, 12px);
    padding: var(--dv-gap);
    margin-bottom: var(--dv-gap);
    box-sizing: border-box;
  }
  h2 {
    font-size: 1.25rem;
    font-weight: 500;
    margin: 0 0 12px;
  }
  h3 {
    font-size: 1rem;
    font-weight: 500;
    margin: 0 0 8px;
  }
  .muted {
    color: var(--dv-muted);
  }
  .error {
    color: var(--dv-error);
  }
  button {
    font: inherit;
    cursor: pointer;
    border-radius: 8px;
    border: 1px solid var(--dv-border);
    background: var(--dv-card);
    color: inherit;
    padding: 8px 14px;
    min-height: 40px;
  }
  button.primary {
    background: var(--dv-accent);
    border-color: var(--dv-accent);
    color: var(--text-primary-color, #fff);
  }
  button.danger {
    color: var(--dv-error);
    border-color: var(--dv-error);
  }
  button:disabled {
    opacity: 0.5;
    cursor: default;
  }
  select,
  input[type="number"],
  input[type="text"],
  textarea {
    font: inherit;
    color: inherit;
    background: var(--dv-card);
    border: 1px solid var(--dv-border);
    border-radius: 8px;
    padding: 8px;
    box-sizing: border-box;
    min-height: 40px;
  }
  .badge {
    display: inline-block;
    border-radius: 999px;
    padding: 2px 10px;
    font-size: 0.8rem;
    border: 1px solid currentColor;
    white-space: nowrap;
  }
  .status-pending {
    color: var(--dv-warning);
  }
  .status-shared {
    color: var(--dv-accent);
  }
  .status-declined,
  .status-rejected,
  .status-revoked {
    color: var(--dv-error);
  }
  .status-expired,
  .status-withdrawn {
    color: var(--dv-muted);
  }
  .verified {
    color: var(--dv-success);
  }
  .unverified {
    color: var(--dv-warning);
  }
  .badge.verified::before {
    content: "✓ ";
  }
  .badge.unverified {
    font-weight: 600;
  }
  .badge.unverified::before {
    content: "! ";
  }
  .row {
    display: flex;
    flex-wrap: wrap;
    gap: 8px;
    align-items: center;
  }
  table {
    border-collapse: collapse;
    width: 100%;
  }
  th,
  td {
    text-align: left;
    padding: 6px 8px;
    border-bottom: 1px solid var(--dv-border);
    vertical-align: top;
  }
  th {
    font-weight: 500;
    color: var(--dv-muted);
  }
  .table-wrap {
    overflow-x: auto;
  }
`;
