// SPDX-License-Identifier: MIT
// An SVG plot of a run: cell voltages, current with the BMS's limits, true and estimated SoC,
// temperatures, one panel each on a shared time axis, with a marker wherever a fault tripped.
import type { RunEvent, Sample } from "./run";

interface Series {
  label: string;
  color: string;
  values: number[];
  dashed?: boolean;
  width?: number;
}

interface Panel {
  title: string;
  unit: string;
  series: Series[];
}

const width = 1200;
const panelHeight = 200;
const left = 70;
const right = 20;
const top = 30;
const gap = 45;
const palette = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"];

function escapeXml(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/** About `count` round tick values covering [lo, hi]. */
function ticks(lo: number, hi: number, count: number): number[] {
  const span = hi - lo || 1;
  const raw = span / count;
  const mag = Math.pow(10, Math.floor(Math.log10(raw)));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => span / s <= count) ?? 10 * mag;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) out.push(Number(v.toPrecision(12)));
  return out;
}

/** The time unit that suits a span: its size in ms and its name. */
function timeUnit(spanMs: number): { ms: number; name: string } {
  if (spanMs > 3 * 3600e3) return { ms: 3600e3, name: "h" };
  if (spanMs > 3 * 60e3) return { ms: 60e3, name: "min" };
  return { ms: 1000, name: "s" };
}

export function plotSvg(title: string, samples: Sample[], events: RunEvent[]): string {
  if (samples.length === 0) return `<svg xmlns="http://www.w3.org/2000/svg" width="400" height="40"><text x="10" y="25">no samples</text></svg>`;
  const t = samples.map((s) => s.timeMs);
  const t0 = 0;
  const t1 = t[t.length - 1];
  const cells = samples[0].cellMv.length;
  const temps = samples[0].temperatureDeciC.length;
  const panels: Panel[] = [
    {
      title: "cell voltages",
      unit: "V",
      series: Array.from({ length: cells }, (_, i) => ({ label: `cell ${i + 1}`, color: palette[i % palette.length], values: samples.map((s) => s.cellMv[i] / 1000), width: 1 })),
    },
    {
      title: "pack current (+ charging) and the BMS limits",
      unit: "A",
      series: [
        { label: "current", color: "#1f77b4", values: samples.map((s) => s.currentMa / 1000), width: 1.5 },
        { label: "charge limit", color: "#2ca02c", values: samples.map((s) => s.chargeCurrentLimitMa / 1000), dashed: true },
        { label: "discharge limit", color: "#d62728", values: samples.map((s) => -s.dischargeCurrentLimitMa / 1000), dashed: true },
      ],
    },
    {
      title: "state of charge",
      unit: "%",
      series: [
        { label: "true (usable)", color: "#333333", values: samples.map((s) => s.trueSocCentiPct / 100), width: 2 },
        { label: "cell mean", color: "#999999", values: samples.map((s) => s.meanSocCentiPct / 100), width: 1 },
        { label: "estimated", color: "#ff7f0e", values: samples.map((s) => s.estimatedSocCentiPct / 100), width: 1.5, dashed: true },
      ],
    },
    {
      title: "temperatures",
      unit: "°C",
      series: Array.from({ length: temps }, (_, i) => ({ label: `T${i + 1}`, color: palette[(i + 3) % palette.length], values: samples.map((s) => s.temperatureDeciC[i] / 10) })),
    },
  ];
  const height = top + panels.length * (panelHeight + gap) + 20;
  const plotW = width - left - right;
  const x = (ms: number) => left + ((ms - t0) / Math.max(1, t1 - t0)) * plotW;
  const parts: string[] = [];
  parts.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif" font-size="11">`);
  parts.push(`<rect width="100%" height="100%" fill="white"/>`);
  parts.push(`<text x="${left}" y="18" font-size="14" font-weight="bold">${escapeXml(title)}</text>`);
  const faultTimes = events.filter((e) => e.kind === "fault-set" && e.detail.endsWith("fault"));
  panels.forEach((p, pi) => {
    const y0 = top + pi * (panelHeight + gap) + 15;
    let lo = Infinity;
    let hi = -Infinity;
    for (const s of p.series) {
      for (const v of s.values) {
        if (Number.isFinite(v)) {
          lo = Math.min(lo, v);
          hi = Math.max(hi, v);
        }
      }
    }
    if (!Number.isFinite(lo)) {
      lo = 0;
      hi = 1;
    }
    if (hi - lo < 1e-6) {
      lo -= 0.5;
      hi += 0.5;
    }
    const pad = (hi - lo) * 0.05;
    lo -= pad;
    hi += pad;
    const y = (v: number) => y0 + panelHeight - ((v - lo) / (hi - lo)) * panelHeight;
    parts.push(`<text x="${left}" y="${y0 - 5}" font-weight="bold">${escapeXml(p.title)} (${p.unit})</text>`);
    parts.push(`<rect x="${left}" y="${y0}" width="${plotW}" height="${panelHeight}" fill="none" stroke="#999"/>`);
    for (const v of ticks(lo, hi, 5)) {
      parts.push(`<line x1="${left}" x2="${left + plotW}" y1="${y(v).toFixed(1)}" y2="${y(v).toFixed(1)}" stroke="#eee"/>`);
      parts.push(`<text x="${left - 5}" y="${(y(v) + 4).toFixed(1)}" text-anchor="end">${v}</text>`);
    }
    const unit = timeUnit(t1 - t0);
    for (const u of ticks(t0 / unit.ms, t1 / unit.ms, 8)) {
      const v = u * unit.ms;
      parts.push(`<line x1="${x(v).toFixed(1)}" x2="${x(v).toFixed(1)}" y1="${y0}" y2="${y0 + panelHeight}" stroke="#f3f3f3"/>`);
      parts.push(`<text x="${x(v).toFixed(1)}" y="${y0 + panelHeight + 13}" text-anchor="middle">${u} ${unit.name}</text>`);
    }
    for (const f of faultTimes) {
      const fx = x(f.timeMs).toFixed(1);
      parts.push(`<line x1="${fx}" x2="${fx}" y1="${y0}" y2="${y0 + panelHeight}" stroke="#d62728" stroke-dasharray="4 3"/>`);
      if (pi === 0) parts.push(`<text x="${Number(fx) + 3}" y="${y0 + 12}" fill="#d62728">${escapeXml(f.detail)}</text>`);
    }
    for (const s of p.series) {
      const pts: string[] = [];
      s.values.forEach((v, i) => {
        if (Number.isFinite(v)) pts.push(`${x(t[i]).toFixed(1)},${y(v).toFixed(1)}`);
      });
      parts.push(
        `<polyline fill="none" stroke="${s.color}" stroke-width="${s.width ?? 1}"${s.dashed === true ? ' stroke-dasharray="5 3"' : ""} points="${pts.join(" ")}"><title>${escapeXml(s.label)}</title></polyline>`,
      );
    }
    if (p.series.length <= 4) {
      p.series.forEach((s, i) => {
        const lx = left + plotW - 130;
        const ly = y0 + 14 + i * 14;
        parts.push(`<line x1="${lx}" x2="${lx + 20}" y1="${ly - 4}" y2="${ly - 4}" stroke="${s.color}" stroke-width="2"/>`);
        parts.push(`<text x="${lx + 25}" y="${ly}">${escapeXml(s.label)}</text>`);
      });
    }
  });
  parts.push("</svg>");
  return parts.join("\n");
}
