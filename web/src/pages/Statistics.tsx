// Statistics of the cases the user reads: trends per area and unit, categories, the risk matrix as a heat map,
// lead times, overdue actions and legal reports, with XLSX/CSV downloads. Filters live in the address, so a view
// can be bookmarked and shared; the API counts only what the user may see.
import { useMemo, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { api, type ApiError, type Stats } from '../api/client';
import { useSession } from '../auth/session';
import { Chart, type Series } from '../components/Chart';
import { ErrorMessage, Loading, asApiError, useLoad, usePageTitle } from '../components/common';
import { areaName, useUnitNames } from '../components/names';
import { t } from '../text';

const BUCKETS = ['week', 'month', 'quarter', 'year'] as const;
const LEVELS: Record<number, string> = {};
for (let score = 1; score <= 16; score++) LEVELS[score] = score <= 3 ? 'lag' : score <= 6 ? 'mattlig' : score <= 9 ? 'hog' : 'mycket_hog';

// URL parameter (Swedish) -> API query parameter
const PARAMS = { enhet: 'unit', omrade: 'area', fran: 'from', till: 'to', period: 'bucket' } as const;
type Filter = Record<keyof typeof PARAMS, string>;

function useFilter(): [Filter, (next: Filter) => void] {
  const [params, setParams] = useSearchParams();
  const year = new Date().getFullYear();
  const filter: Filter = {
    enhet: params.get('enhet') ?? '', omrade: params.get('omrade') ?? '',
    fran: params.get('fran') ?? `${year}-01-01`, till: params.get('till') ?? '', period: params.get('period') ?? 'month',
  };
  const set = (next: Filter) => setParams(Object.fromEntries(Object.entries(next).filter(([, v]) => v)));
  return [filter, set];
}

const apiQuery = (filter: Filter) =>
  Object.fromEntries(Object.entries(PARAMS).map(([ours, theirs]) => [theirs, filter[ours as keyof Filter] || undefined]));

export default function Statistics() {
  usePageTitle(t.stats.title);
  const [filter, setFilter] = useFilter();
  const [draft, setDraft] = useState(filter);
  const query = apiQuery(filter);
  const stats = useLoad(() => api.stats(query), [JSON.stringify(query)]);
  const [downloadError, setDownloadError] = useState<ApiError | null>(null);
  const download = (format: 'xlsx' | 'csv') => {
    setDownloadError(null);
    api.download('/stats', { ...query, format }).catch((e) => setDownloadError(asApiError(e)));
  };
  return (
    <section className="wide">
      <h1>{t.stats.title}</h1>
      <p className="lead">{t.stats.intro}</p>
      <Filters draft={draft} setDraft={setDraft} onSubmit={() => setFilter(draft)} />
      <div className="button-row">
        <button type="button" className="button" onClick={() => download('xlsx')}>{t.stats.downloadXlsx}</button>
        <button type="button" className="button" onClick={() => download('csv')}>{t.stats.downloadCsv}</button>
      </div>
      <ErrorMessage error={downloadError} />
      <ErrorMessage error={stats.error} />
      {!stats.data ? (!stats.error && <Loading />) : <Figures stats={stats.data} />}
    </section>
  );
}

function Filters({ draft, setDraft, onSubmit }: { draft: Filter; setDraft: (f: Filter) => void; onSubmit: () => void }) {
  const { me } = useSession();
  const units = useLoad(() => api.units(), []);
  const areas = [...new Set(me?.grants.flatMap((g) => g.reads) ?? [])].sort();
  const field = (key: keyof Filter) => ({
    id: `filter-${key}`, className: 'form-control', value: draft[key],
    onChange: (e: { target: { value: string } }) => setDraft({ ...draft, [key]: e.target.value }),
  });
  return (
    <form className="inline-form filters" aria-label={t.stats.filters} onSubmit={(e) => { e.preventDefault(); onSubmit(); }}>
      <div>
        <label htmlFor="filter-enhet">{t.stats.unit}</label>
        <select {...field('enhet')}>
          <option value="">{t.stats.allUnits}</option>
          {units.data?.map((u) => <option key={u.id} value={u.id}>{u.name}</option>)}
        </select>
      </div>
      <div>
        <label htmlFor="filter-omrade">{t.stats.area}</label>
        <select {...field('omrade')}>
          <option value="">{t.stats.allAreas}</option>
          {areas.map((a) => <option key={a} value={a}>{areaName(a)}</option>)}
        </select>
      </div>
      <div>
        <label htmlFor="filter-fran">{t.stats.from}</label>
        <input type="date" {...field('fran')} />
      </div>
      <div>
        <label htmlFor="filter-till">{t.stats.to}</label>
        <input type="date" {...field('till')} />
      </div>
      <div>
        <label htmlFor="filter-period">{t.stats.bucket}</label>
        <select {...field('period')}>
          {BUCKETS.map((b) => <option key={b} value={b}>{t.stats.buckets[b]}</option>)}
        </select>
      </div>
      <button type="submit" className="button">{t.stats.show}</button>
    </form>
  );
}

function byKey<T extends { key: string; label: string; period: string; count: number }>(rows: T[], periods: string[]): Series[] {
  const series = new Map<string, Series>();
  for (const row of rows) {
    if (!series.has(row.key)) series.set(row.key, { label: row.label, values: periods.map(() => 0) });
    series.get(row.key)!.values[periods.indexOf(row.period)] = row.count;
  }
  return [...series.values()];
}

function Figures({ stats }: { stats: Stats }) {
  const unitName = useUnitNames();
  const periods = useMemo(() => stats.trend.periods.map((p) => p.period), [stats]);
  const areaTrend = useMemo(() => byKey(stats.trend.by_area, periods), [stats, periods]);
  const unitTrend = useMemo(() => byKey(stats.trend.by_unit, periods), [stats, periods]);
  const units = stats.counts.unit;
  const categories = stats.counts.category;
  const unitSeries = useMemo(() => [{ label: t.stats.cases, values: units.map((u) => u.count) }], [units]);
  const categorySeries = useMemo(() => [{ label: t.stats.cases, values: categories.map((c) => c.count) }], [categories]);
  const unitLabels = useMemo(() => units.map((u) => u.label || unitName(String(u.key))), [units, unitName]);
  const categoryLabels = useMemo(() => categories.map((c) => c.label), [categories]);
  const total = stats.total;
  return (
    <>
      <section aria-labelledby="nyckeltal">
        <h2 id="nyckeltal">{t.stats.keyFigures}</h2>
        <dl className="key-figures">
          <div><dt>{t.stats.cases}</dt><dd data-testid="cases">{total.cases}</dd></div>
          <div><dt>{t.stats.events}</dt><dd>{total.events}</dd></div>
          <div><dt>{t.stats.openTasks}</dt><dd>{stats.tasks.open} <span className="who-small">({t.stats.overdueCount(stats.tasks.overdue)})</span></dd></div>
          <div><dt>{t.stats.openActions}</dt><dd>{stats.actions.open} <span className="who-small">({t.stats.overdueCount(stats.actions.overdue)})</span></dd></div>
        </dl>
      </section>
      {total.cases === 0 ? <p>{t.stats.empty}</p> : (
        <>
          <section aria-labelledby="trender">
            <h2 id="trender">{t.stats.trends}</h2>
            <Chart id="trend-omrade" title={t.stats.trendByArea} kind="line" labels={periods} series={areaTrend}
              summary={t.stats.summary(total.cases, periods.length)} />
            <Chart id="trend-enhet" title={t.stats.trendByUnit} kind="line" labels={periods} series={unitTrend}
              summary={t.stats.summary(total.cases, periods.length)} />
          </section>
          <section aria-labelledby="fordelning">
            <h2 id="fordelning">{t.stats.distribution}</h2>
            <Chart id="per-enhet" title={t.stats.byUnit} kind="bar" labels={unitLabels} series={unitSeries}
              summary={t.stats.topSummary(unitLabels[0], units[0]?.count)} />
            <Chart id="per-kategori" title={t.stats.byCategory} kind="bar" labels={categoryLabels} series={categorySeries}
              summary={t.stats.topSummary(categoryLabels[0], categories[0]?.count)} />
          </section>
          <RiskMatrix stats={stats} />
        </>
      )}
      <LeadTimes stats={stats} />
      <OverdueActions stats={stats} />
      <LegalReports stats={stats} />
    </>
  );
}

function RiskMatrix({ stats }: { stats: Stats }) {
  const cells = new Map(stats.risk_matrix.map((c) => [`${c.consequence}-${c.probability}`, c.count]));
  const consequences = [4, 3, 2, 1];
  const probabilities = [1, 2, 3, 4];
  return (
    <section aria-labelledby="riskmatris">
      <h2 id="riskmatris">{t.stats.riskMatrix}</h2>
      <p className="who-small">{t.stats.riskMatrixHelp}</p>
      <div className="table-wrap">
        <table className="heatmap">
          <caption className="visually-hidden">{t.stats.riskMatrixCaption}</caption>
          <thead>
            <tr>
              <th scope="col">{t.stats.consequenceBySannolikhet}</th>
              {probabilities.map((p) => <th key={p} scope="col">{p} {t.stats.probabilities[p]}</th>)}
            </tr>
          </thead>
          <tbody>
            {consequences.map((c) => (
              <tr key={c}>
                <th scope="row">{c} {t.stats.consequences[c]}</th>
                {probabilities.map((p) => {
                  const count = cells.get(`${c}-${p}`) ?? 0;
                  return (
                    <td key={p} className={`risk risk-${LEVELS[c * p]}${count ? '' : ' risk-empty'}`}
                      data-testid={`risk-${c}-${p}`}>
                      <span className="risk-count">{count}</span>
                      <span className="visually-hidden">, {t.stats.levels[LEVELS[c * p]]} {t.stats.score(c * p)}</span>
                    </td>
                  );
                })}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <ul className="risk-legend">
        {stats.counts.risk_level.map((r) => <li key={String(r.key)}>{r.label}: {r.count}</li>)}
      </ul>
    </section>
  );
}

function LeadTimes({ stats }: { stats: Stats }) {
  const rows = [['report_to_triage', t.stats.toTriage], ['report_to_closed', t.stats.toClosed]] as const;
  return (
    <section aria-labelledby="ledtider">
      <h2 id="ledtider">{t.stats.leadTimes}</h2>
      <div className="table-wrap">
        <table>
          <thead><tr><th scope="col">{t.stats.measure}</th><th scope="col">{t.stats.cases}</th><th scope="col">{t.stats.median}</th><th scope="col">{t.stats.p90}</th></tr></thead>
          <tbody>
            {rows.map(([key, label]) => {
              const lead = stats.lead_times[key];
              return <tr key={key}><th scope="row">{label}</th><td>{lead.cases}</td><td>{t.stats.duration(lead.median_hours)}</td><td>{t.stats.duration(lead.p90_hours)}</td></tr>;
            })}
          </tbody>
        </table>
      </div>
    </section>
  );
}

function OverdueActions({ stats }: { stats: Stats }) {
  const list = stats.actions.overdue_list;
  return (
    <section aria-labelledby="forsenade-atgarder">
      <h2 id="forsenade-atgarder">{t.stats.overdueActions}</h2>
      {list.length === 0 ? <p>{t.stats.noOverdue}</p> : (
        <div className="table-wrap">
          <table>
            <thead><tr><th scope="col">{t.action.title}</th><th scope="col">{t.action.owner}</th><th scope="col">{t.action.due}</th><th scope="col">{t.stats.daysLate}</th><th scope="col">{t.action.status}</th><th scope="col">{t.action.events}</th></tr></thead>
            <tbody>
              {list.map((a) => (
                <tr key={a.id}>
                  <td>{a.title}</td><td>{a.owner ?? '–'}</td><td>{a.due_date}</td><td>{a.days_overdue}</td><td>{a.status_label}</td>
                  <td>{a.events.map((e) => <div key={e.number}><Link to={`/handelser/${e.number}`}>{e.number}</Link> {e.title}</div>)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

function LegalReports({ stats }: { stats: Stats }) {
  return (
    <section aria-labelledby="anmalningar">
      <h2 id="anmalningar">{t.stats.legalReports}</h2>
      <div className="table-wrap">
        <table>
          <thead><tr><th scope="col">{t.stats.report}</th><th scope="col">{t.stats.made}</th><th scope="col">{t.stats.notMade}</th></tr></thead>
          <tbody>
            {stats.legal_reports.map((r) => <tr key={r.kind}><th scope="row">{r.label}</th><td>{r.made}</td><td>{r.not_made}</td></tr>)}
          </tbody>
        </table>
      </div>
    </section>
  );
}
