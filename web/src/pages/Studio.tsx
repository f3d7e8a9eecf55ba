// The process owners' studio (/studio): browse the definitions a unit runs, edit a process in the bpmn-js
// Modeler, a form's JSON Schema with a live preview and an area's variables; validate the edited tree (findings
// marked on the diagram and listed), publish it as a release and pilot it on chosen units after a dry run.
// Edits are kept against one base release and sent as {path: text}; nothing is stored until Publish.
import '../studio/studio.css';
import { lazy, Suspense, useMemo, useState } from 'react';
import { parse } from 'yaml';
import { api, type ActiveArea, type ApiError, type Release, type Unit, type Validation } from '../api/client';
import { useSession } from '../auth/session';
import { ErrorMessage, Loading, asApiError, useLoad, usePageTitle } from '../components/common';
import { Findings } from '../studio/Findings';
import { FormEditor } from '../studio/FormEditor';
import { PilotPanel } from '../studio/PilotPanel';
import { st } from '../studio/text';
import { VariablesEditor } from '../studio/VariablesEditor';

// The modelers (bpmn-js, dmn-js, their fonts and styles) load only when a BPMN or DMN file is opened.
const BpmnEditor = lazy(() => import('../studio/BpmnEditor'));
const DmnEditor = lazy(() => import('../studio/DmnEditor'));

interface Opened { area: ActiveArea; path: string; release: string }

/** Units in the subtree of a unit where the person is process owner: where they may pilot. */
function ownedUnits(units: Unit[], roots: string[]): Unit[] {
  const byId = new Map(units.map((u) => [u.id, u]));
  const owned = (unit: Unit | undefined): boolean =>
    Boolean(unit && (roots.includes(unit.id) || owned(byId.get(unit.parent ?? ''))));
  return units.filter((u) => owned(u));
}

const fileName = (path: string) => path.split('/').pop() ?? path;

export default function Studio() {
  usePageTitle(st.title);
  const { me } = useSession();
  const roots = useMemo(() => (me?.grants ?? []).filter((g) => g.role === 'processagare').map((g) => g.unit_id), [me]);
  const units = useLoad(() => api.units(), []);
  const owned = useMemo(() => ownedUnits(units.data ?? [], roots), [units.data, roots]);
  const [unit, setUnit] = useState<string>('');
  const unitId = unit || owned.find((u) => u.parent)?.id || owned[0]?.id || '';
  const defs = useLoad(() => (unitId ? api.definitions(unitId) : Promise.resolve(null)), [unitId]);

  const [base, setBase] = useState<string | null>(null);
  const [edits, setEdits] = useState<Record<string, string>>({});
  const [originals, setOriginals] = useState<Record<string, string>>({});  // `${release}:${path}` -> text
  const [opened, setOpened] = useState<Opened | null>(null);
  const [focusId, setFocusId] = useState<string | null>(null);
  const [result, setResult] = useState<Validation | null>(null);
  const [published, setPublished] = useState<Release | null>(null);
  const [label, setLabel] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);

  if (!roots.length) return <section><h1>{st.title}</h1><p>{st.forbidden}</p></section>;

  const areas = defs.data?.unit_id === unitId ? defs.data.areas : [];  // never the previous unit's list
  const edited = Object.keys(edits);
  const edit = { files: edits };
  const textOf = (release: string, path: string) => edits[path] ?? originals[`${release}:${path}`];

  const open = async (area: ActiveArea, path: string, elementId: string | null = null) => {
    const release = base && (edited.length || published) ? base : area.release;
    setError(null);
    try {
      const needed = [path, `processes/${area.area}/area.yaml`].filter((p) => area.files.some((f) => f.path === p));
      const missing = needed.filter((p) => edits[p] === undefined && originals[`${release}:${p}`] === undefined);
      const loaded = await Promise.all(missing.map((p) => api.releaseFile(release, p)));
      setOriginals((old) => ({ ...old, ...Object.fromEntries(loaded.map((f) => [`${release}:${f.path}`, f.content])) }));
      setBase(release);
      setOpened({ area, path, release });
      setFocusId(elementId);
    } catch (e) {
      setError(asApiError(e));
    }
  };
  const change = (path: string, text: string) => {
    setEdits((old) => ({ ...old, [path]: text }));
    setResult(null);
    setPublished(null);
  };
  const discard = () => {
    if (!window.confirm(st.discardConfirm)) return;
    setEdits({}); setResult(null); setBase(null); setOpened(null);
  };
  const validate = async () => {
    if (!base) return;
    setBusy(true); setError(null);
    try { setResult(await api.validateEdit(base, edit)); } catch (e) { setError(asApiError(e)); } finally { setBusy(false); }
  };
  const publish = async () => {
    if (!base) return;
    setBusy(true); setError(null);
    try {
      const release = await api.publishEdit(base, edit, label.trim() || null);
      setPublished(release);
      // The new release is the base from now on: what was edited is in it.
      setOriginals((old) => ({ ...old, ...Object.fromEntries(Object.entries(edits).map(([p, text]) => [`${release.hash}:${p}`, text])) }));
      setEdits({}); setBase(release.hash);
      if (opened) setOpened({ ...opened, release: release.hash });
    } catch (e) {
      setError(asApiError(e));
    } finally {
      setBusy(false);
    }
  };
  const showFinding = (file: string, elementId: string | null) => {
    const area = areas.find((a) => a.files?.some((f) => f.path === file));
    if (area) void open(area, file, elementId);
  };

  const formsOf = (area: ActiveArea) => [
    ...area.files.filter((f) => f.kind === 'form' && !f.path.endsWith('.ui.json')).map((f) => fileName(f.path)),
    ...(areas.find((a) => a.area === 'intake')?.files ?? [])
      .filter((f) => f.path.startsWith('forms/') && !f.path.endsWith('.ui.json')).map((f) => fileName(f.path)),
  ];
  const rolesOf = (area: ActiveArea, release: string): Record<string, string> => {
    const text = textOf(release, `processes/${area.area}/area.yaml`);
    try {
      const roles = (text ? parse(text)?.roles : null) ?? {};
      return Object.fromEntries(Object.entries(roles).map(([id, r]) => [id, (r as { name?: string })?.name ?? id]));
    } catch {
      return {};
    }
  };
  const openForm = (area: ActiveArea, name: string) => {
    const own = `processes/${area.area}/forms/${name}`;
    const path = area.files.some((f) => f.path === own) ? own : `forms/${name}`;
    const owner = areas.find((a) => a.files?.some((f) => f.path === path)) ?? area;
    void open(owner, path);
  };

  const current = opened ? textOf(opened.release, opened.path) : undefined;
  const fileFindings = (result?.findings ?? []).filter((f) => f.file === opened?.path);
  const kind = opened?.area.files.find((f) => f.path === opened.path)?.kind;

  return (
    <section>
      <h1>{st.title}</h1>
      <p>{st.intro}</p>
      <ErrorMessage error={units.error ?? defs.error ?? error} />
      <div className="studio">
        <nav className="studio-nav" aria-label={st.areas}>
          <label htmlFor="studio-unit">{st.unit}</label>
          <select id="studio-unit" className="form-control" value={unitId} onChange={(e) => setUnit(e.target.value)}>
            {owned.map((u) => <option key={u.id} value={u.id}>{u.name}</option>)}
          </select>
          <h2>{st.areas}</h2>
          {!areas.length && !defs.error && <Loading />}
          {areas.map((area) => {
            const other = Boolean(area.release && base && edited.length && area.release !== base);
            return (
              <div key={area.area} data-area={area.area}>
                <p className="area-name">{area.name}</p>
                {area.error ? <p className="meta">{st.noConfig}: {area.error}</p> : (
                  <>
                    <p className="meta">{st.release} {area.release_label ?? area.release.slice(0, 12)} · {st.variant} {area.variant}</p>
                    {other && <p className="meta">{st.otherBase}</p>}
                    <ul>{area.files.map((f) => (
                      <li key={f.path}>
                        <button type="button" className="studio-link" disabled={other}
                          aria-current={opened?.path === f.path ? 'true' : undefined}
                          onClick={() => void open(area, f.path)}>
                          {f.path.replace(`processes/${area.area}/`, '')}
                        </button>
                        {edits[f.path] !== undefined && <span className="meta"> ({st.edited})</span>}
                      </li>
                    ))}</ul>
                  </>
                )}
              </div>
            );
          })}
        </nav>
        <div>
          <div className="studio-toolbar">
            <span role="status">{st.editedFiles(edited.length)}</span>
            <button type="button" className="button button-primary" disabled={busy || !base} onClick={validate}>
              {busy ? st.validating : st.validate}
            </button>
            {edited.length > 0 && <button type="button" className="button button-quiet" onClick={discard}>{st.discard}</button>}
          </div>
          {opened && current !== undefined && (
            <section aria-labelledby="studio-file">
              <h2 id="studio-file">{opened.path} <span className="meta">({st.kinds[kind ?? ''] ?? kind})</span></h2>
              {kind === 'bpmn' ? (
                <Suspense fallback={<p role="status">{st.modeler.loading}</p>}>
                  <BpmnEditor key={`${opened.release}:${opened.path}`} path={opened.path} xml={current} roles={rolesOf(opened.area, opened.release)}
                    forms={formsOf(opened.area)} findings={fileFindings} focusId={focusId}
                    onChange={(xml) => change(opened.path, xml)} onOpenForm={(name) => openForm(opened.area, name)} />
                </Suspense>
              ) : kind === 'dmn' ? (
                <Suspense fallback={<p role="status">{st.dmn.loading}</p>}>
                  <DmnEditor key={`${opened.release}:${opened.path}`} path={opened.path} xml={current}
                    onChange={(xml) => change(opened.path, xml)} />
                </Suspense>
              ) : kind === 'form' && !opened.path.endsWith('.ui.json') ? (
                <FormEditor base={opened.release} edit={edit} path={opened.path} text={current}
                  onChange={(text) => change(opened.path, text)} />
              ) : (
                <>
                  {opened.path.endsWith('/area.yaml') && (
                    <VariablesEditor key={opened.release} text={current} declarations={opened.area.variables ?? []}
                      onChange={(text) => change(opened.path, text)} />
                  )}
                  <label htmlFor="studio-text">{st.yaml.title}</label>
                  <textarea id="studio-text" className="form-control studio-code" spellCheck={false} value={current}
                    onChange={(e) => change(opened.path, e.target.value)} />
                </>
              )}
            </section>
          )}
          {result && <Findings result={result} openPath={opened?.path ?? null} onShow={showFinding} />}
          {base && (
            <section aria-labelledby="studio-publish">
              <h2 id="studio-publish">{st.publish.title}</h2>
              <div className="inline-form">
                <label htmlFor="studio-label">{st.publish.label}</label>
                <input id="studio-label" className="form-control" value={label} maxLength={200} onChange={(e) => setLabel(e.target.value)} />
                <button type="button" className="button button-primary" disabled={busy || !result || result.errors > 0} onClick={publish}>
                  {busy ? st.publish.busy : st.publish.button}
                </button>
              </div>
              {!published && (!result || result.errors > 0) && <p className="help-block">{st.publish.needValid}</p>}
              {published && (
                <p className="alert alert-success" role="status">
                  {st.publish.done(published.hash)} {!published.created && st.publish.same}
                </p>
              )}
            </section>
          )}
          {published && <PilotPanel release={published.hash} units={owned} />}
        </div>
      </div>
    </section>
  );
}
