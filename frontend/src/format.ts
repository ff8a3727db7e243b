// Times in the user's time zone and locale (their profile: browser zone or the server's), sizes, durations.
import type { Hass } from "./types.js";

export function timeZone(hass: Hass): string | undefined {
  return hass.locale?.time_zone === "server" ? hass.config.time_zone : undefined;
}

function language(hass: Hass): string {
  return hass.locale?.language ?? hass.language ?? "en";
}

function hour12(hass: Hass): boolean | undefined {
  const format = hass.locale?.time_format;
  if (format === "12") return true;
  if (format === "24") return false;
  return undefined;
}

const cache = new Map<string, Intl.DateTimeFormat>();

function dateFormat(hass: Hass, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const zone = timeZone(hass);
  const h12 = hour12(hass);
  const key = JSON.stringify([language(hass), zone, h12, options]);
  let format = cache.get(key);
  if (!format) {
    format = new Intl.DateTimeFormat(language(hass), {
      ...options,
      ...(zone ? { timeZone: zone } : {}),
      ...(h12 === undefined ? {} : { hour12: h12 }),
    });
    cache.set(key, format);
  }
  return format;
}

export function formatDateTime(hass: Hass, iso: string | null | undefined): string {
  if (!iso) return "";
  return dateFormat(hass, { dateStyle: "medium", timeStyle: "medium" }).format(new Date(iso));
}

export function formatTime(hass: Hass, iso: string | number): string {
  return dateFormat(hass, { timeStyle: "medium" }).format(new Date(iso));
}

export function formatUtc(iso: string | null | undefined): string {
  if (!iso) return "";
  return new Date(iso).toISOString().replace("T", " ").replace(/\.\d+Z$/, " UTC").replace(/Z$/, " UTC");
}

export function formatNumber(hass: Hass, value: number, digits = 0): string {
  return new Intl.NumberFormat(language(hass), { maximumFractionDigits: digits }).format(value);
}

export function formatBytes(hass: Hass, bytes: number): string {
  const units = ["B", "kB", "MB", "GB", "TB"];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit += 1;
  }
  return `${formatNumber(hass, value, unit === 0 ? 0 : 1)} ${units[unit]}`;
}

/** 1:05:03 or 5:03 */
export function formatClock(seconds: number): string {
  const total = Math.max(0, Math.round(seconds));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const mm = h ? String(m).padStart(2, "0") : String(m);
  return `${h ? `${h}:` : ""}${mm}:${String(s).padStart(2, "0")}`;
}

/** A span of time in words of the user's language: "2 h 5 min", via Intl.RelativeTimeFormat units. */
export function formatSpan(hass: Hass, milliseconds: number): string {
  const minutes = Math.max(0, Math.round(milliseconds / 60000));
  const days = Math.floor(minutes / 1440);
  const hours = Math.floor((minutes % 1440) / 60);
  const mins = minutes % 60;
  const unit = (value: number, name: "day" | "hour" | "minute") =>
    new Intl.NumberFormat(language(hass), { style: "unit", unit: name, unitDisplay: "short" }).format(
      value,
    );
  if (days) return `${unit(days, "day")} ${unit(hours, "hour")}`;
  if (hours) return `${unit(hours, "hour")} ${unit(mins, "minute")}`;
  return unit(mins, "minute");
}

export function formatDistance(hass: Hass, metres: number): string {
  if (metres >= 1000) {
    return new Intl.NumberFormat(language(hass), {
      style: "unit",
      unit: "kilometer",
      maximumFractionDigits: 1,
    }).format(metres / 1000);
  }
  return new Intl.NumberFormat(language(hass), {
    style: "unit",
    unit: "meter",
    maximumFractionDigits: 0,
  }).format(metres);
}

/** Parse an ISO time to epoch milliseconds. */
export function ms(iso: string): number {
  return new Date(iso).getTime();
}

export function isoOf(milliseconds: number): string {
  return new Date(milliseconds).toISOString();
}
