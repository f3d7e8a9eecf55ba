// A chart drawn by Chart.js on a canvas, with the same figures as a table for screen readers and keyboard users.
// Chart.js is imported here only, so it loads with the statistics page and never with the app's first load.
import { useEffect, useRef } from 'react';
import type { Chart as ChartType } from 'chart.js';
import { t } from '../text';

export interface Series { label: string; values: number[] }

const PALETTE = ['#0b5394', '#a4161a', '#1e6b35', '#8a5300', '#5b2a86', '#00707a', '#4a5563'];

const chartJs = () => import('./chartjs');

export function Chart({ id, title, kind, labels, series, summary }: {
  id: string; title: string; kind: 'bar' | 'line'; labels: string[]; series: Series[]; summary: string;
}) {
  const canvas = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    let chart: ChartType | null = null;
    let live = true;
    chartJs().then(({ Chart: ChartJs }) => {
      if (!live || !canvas.current) return;
      chart = new ChartJs(canvas.current, {
        type: kind,
        data: {
          labels,
          datasets: series.map((s, i) => ({
            label: s.label, data: s.values, backgroundColor: PALETTE[i % PALETTE.length],
            borderColor: PALETTE[i % PALETTE.length], tension: 0.2,
          })),
        },
        options: {
          animation: false, maintainAspectRatio: false, responsive: true,
          plugins: { legend: { display: series.length > 1 } },
          scales: { y: { beginAtZero: true, ticks: { precision: 0 } } },
        },
      });
    });
    return () => { live = false; chart?.destroy(); };
  }, [kind, labels, series]);
  return (
    <figure className="chart" aria-labelledby={`${id}-rubrik`}>
      <figcaption id={`${id}-rubrik`}><h3>{title}</h3></figcaption>
      <div className="chart-canvas">
        <canvas ref={canvas} role="img" aria-label={`${title}. ${summary}`} />
      </div>
      <details>
        <summary>{t.stats.asTable}</summary>
        <div className="table-wrap">
          <table>
            <caption className="visually-hidden">{title}</caption>
            <thead>
              <tr><th scope="col">{t.stats.category}</th>{series.map((s) => <th key={s.label} scope="col">{s.label}</th>)}</tr>
            </thead>
            <tbody>
              {labels.map((label, row) => (
                <tr key={label}><th scope="row">{label}</th>{series.map((s) => <td key={s.label}>{s.values[row]}</td>)}</tr>
              ))}
            </tbody>
          </table>
        </div>
      </details>
    </figure>
  );
}
