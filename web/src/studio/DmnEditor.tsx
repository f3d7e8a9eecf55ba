// The dmn-js Modeler: a decision's table (rules, hit policy, input and output entries) and the decision
// requirements diagram, edited in place. Loaded only when a process owner opens a DMN file, like the BPMN modeler.
import 'dmn-js/dist/assets/diagram-js.css';
import 'dmn-js/dist/assets/dmn-js-shared.css';
import 'dmn-js/dist/assets/dmn-js-drd.css';
import 'dmn-js/dist/assets/dmn-js-decision-table.css';
import 'dmn-js/dist/assets/dmn-js-decision-table-controls.css';
import 'dmn-js/dist/assets/dmn-js-literal-expression.css';
import 'dmn-js/dist/assets/dmn-font/css/dmn.css';
import DmnModeler from 'dmn-js/lib/Modeler';
import { useEffect, useRef, useState } from 'react';
import { st } from './text';

interface Props {
  path: string;
  xml: string;
  onChange: (xml: string) => void;
}

interface View { id: string; name?: string; type: string }

/** The view a process owner edits first: the first decision table (what the studio's DMN files hold), else the
 *  first view dmn-js offers. */
const firstView = (views: View[]) => views.find((v) => v.type === 'decisionTable') ?? views[0];

export default function DmnEditor({ path, xml, onChange }: Props) {
  const container = useRef<HTMLDivElement>(null);
  const modeler = useRef<DmnModeler | null>(null);
  const [views, setViews] = useState<View[]>([]);
  const [active, setActive] = useState<string | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const [ready, setReady] = useState(false);
  const changed = useRef(onChange);
  changed.current = onChange;

  useEffect(() => {
    const instance = new DmnModeler({ container: container.current! });
    modeler.current = instance;
    let live = true;
    let timer: number | undefined;
    const watched = new WeakSet<object>();
    const save = () => {
      window.clearTimeout(timer);
      timer = window.setTimeout(async () => {
        const { xml: saved } = await instance.saveXML({ format: true });
        if (live && saved) changed.current(saved);
      }, 150);
    };
    instance.on('views.changed', ({ views: all, activeView }: { views: View[]; activeView: View | null }) => {
      if (!live) return;
      setViews(all);
      setActive(activeView?.id ?? null);
      const viewer = instance.getActiveViewer();
      if (viewer && !watched.has(viewer)) {  // each view has its own command stack
        watched.add(viewer);
        viewer.get('eventBus').on('commandStack.changed', save);
      }
    });
    (async () => {
      try {
        await instance.importXML(xml);
        const view = firstView(instance.getViews());
        if (view && view !== instance.getActiveView()) await instance.open(view);
        if (live) setReady(true);
      } catch (error) {
        if (live) setFailure(`${st.dmn.importFailed} ${error instanceof Error ? error.message : String(error)}`);
      }
    })();
    return () => { live = false; window.clearTimeout(timer); instance.destroy(); modeler.current = null; };
    // imported once per mount; the studio mounts a new editor (key = path) for another file
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  const show = (view: View) => { void modeler.current?.open(view); };
  return (
    <div className="studio-modeler">
      {failure && <p className="alert alert-error" role="alert">{failure}</p>}
      {views.length > 1 && (
        <div className="studio-views" role="tablist" aria-label={st.dmn.views}>
          {views.map((view) => (
            <button key={view.id} type="button" role="tab" aria-selected={view.id === active} className="button button-quiet"
              onClick={() => show(view)}>
              {view.type === 'drd' ? st.dmn.drd : `${st.dmn.table}: ${view.name ?? view.id}`}
            </button>
          ))}
        </div>
      )}
      <div ref={container} className="studio-dmn" role="application" aria-label={`${st.dmn.label} ${path}`}
        data-testid="dmn-editor" data-path={path} data-ready={String(ready)} />
    </div>
  );
}
