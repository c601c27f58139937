import type { CurveSeries } from './robustness-curve';

const colors = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd'];
const width = 560;
const height = 300;
const margin = { left: 48, right: 16, top: 12, bottom: 40 };

/** An SVG line chart of robust accuracy (0–100 %) against ε, with a legend and a data table for screen readers. */
export function renderRobustnessChart(container: HTMLElement, epsilons: readonly number[], series: readonly CurveSeries[], normLabel: string): void {
  const maxEpsilon = epsilons[epsilons.length - 1] || 1;
  const sx = (e: number) => margin.left + (e / maxEpsilon) * (width - margin.left - margin.right);
  const sy = (a: number) => margin.top + (1 - a) * (height - margin.top - margin.bottom);
  const svg = [`<svg viewBox="0 0 ${width} ${height}" role="img" aria-label="Robust accuracy against ${normLabel} ε for each model">`];
  for (const a of [0, 0.25, 0.5, 0.75, 1]) {
    svg.push(`<line x1="${margin.left}" x2="${width - margin.right}" y1="${sy(a)}" y2="${sy(a)}" class="grid"/>`);
    svg.push(`<text x="${margin.left - 6}" y="${sy(a) + 4}" text-anchor="end">${100 * a}%</text>`);
  }
  for (const e of epsilons) svg.push(`<text x="${sx(e)}" y="${height - margin.bottom + 16}" text-anchor="middle">${e}</text>`);
  svg.push(`<text x="${(width + margin.left) / 2}" y="${height - 6}" text-anchor="middle">${normLabel} ε</text>`);
  series.forEach((s, i) => {
    const points = s.robustAccuracy.map((a, k) => `${sx(epsilons[k]!)},${sy(a)}`).join(' ');
    svg.push(`<polyline points="${points}" fill="none" stroke="${colors[i % colors.length]}" stroke-width="2"/>`);
    for (const [k, a] of s.robustAccuracy.entries()) svg.push(`<circle cx="${sx(epsilons[k]!)}" cy="${sy(a)}" r="3" fill="${colors[i % colors.length]}"/>`);
  });
  svg.push('</svg>');
  const legend = series.map((s, i) => `<li><span class="swatch" style="background:${colors[i % colors.length]}"></span>${s.name}</li>`).join('');
  const header = epsilons.map((e) => `<th scope="col">${e}</th>`).join('');
  const rows = series
    .map((s) => `<tr><th scope="row">${s.name}</th>${s.robustAccuracy.map((a) => `<td>${(100 * a).toFixed(0)} %</td>`).join('')}</tr>`)
    .join('');
  container.innerHTML = `${svg.join('')}<ul class="legend">${legend}</ul>
    <details><summary>Table</summary><table><caption>Robust accuracy by ${normLabel} ε</caption><tr><th scope="col">model</th>${header}</tr>${rows}</table></details>`;
}
