// The bpmn-js Modeler with avvik's properties panel. This module (and so bpmn-js, its fonts and styles) is
// loaded only when a process owner opens a BPMN file in the studio: no other page carries the modeler.
import 'bpmn-js/dist/assets/diagram-js.css';
import 'bpmn-js/dist/assets/bpmn-js.css';
import 'bpmn-js/dist/assets/bpmn-font/css/bpmn.css';
import Modeler from 'bpmn-js/lib/Modeler';
import { useEffect, useRef, useState } from 'react';
import type { Finding } from '../api/client';
import { hasDiagram, type Moddle, type Modeling } from './bpmnModel';
import { PropertiesPanel, type Element } from './PropertiesPanel';
import spiffworkflow from './spiffworkflow.json';
import { st } from './text';

interface Props {
  path: string;
  xml: string;
  roles: Record<string, string>;
  forms: string[];
  onChange: (xml: string) => void;
  onOpenForm: (name: string) => void;
  /** Findings of this file: each one that names an element is marked on it. */
  findings: Finding[];
  /** An element to select and scroll to (from the findings list). */
  focusId: string | null;
}

interface Box { x: number; y: number; width: number; height: number }
interface Canvas { viewbox(box?: Box): Box & { inner: Box; outer: Box }; addMarker(id: string, marker: string): void; removeMarker(id: string, marker: string): void; scrollToElement(element: unknown): void; zoom(level: string): void }
interface Registry { get(id: string): Element | undefined; getAll(): Element[] }
interface Selection { select(element: unknown): void }
const MARKERS = ['studio-error', 'studio-warning'];
const PALETTE = 110;  // px the modeler's tool palette covers on the left

/** The whole diagram in view (never enlarged), to the right of the tool palette so nothing hides under it. */
function fitBesidePalette(canvas: Canvas) {
  const { inner, outer } = canvas.viewbox();
  if (!inner.width || !inner.height) return;
  const scale = Math.min((outer.width - PALETTE - 20) / inner.width, (outer.height - 20) / inner.height, 1);
  canvas.viewbox({ x: inner.x - PALETTE / scale, y: inner.y - 10 / scale, width: outer.width / scale, height: outer.height / scale });
}

export default function BpmnEditor({ path, xml, roles, forms, onChange, onOpenForm, findings, focusId }: Props) {
  const container = useRef<HTMLDivElement>(null);
  const modeler = useRef<Modeler | null>(null);
  const marked = useRef<string[]>([]);
  const [selected, setSelected] = useState<Element | null>(null);
  const [version, setVersion] = useState(0);  // re-render the panel when the selected element changes
  const [notice, setNotice] = useState<string[]>([]);
  const [failure, setFailure] = useState<string | null>(null);
  const [ready, setReady] = useState(false);
  const changed = useRef(onChange);
  changed.current = onChange;

  useEffect(() => {
    const instance = new Modeler({ container: container.current!, moddleExtensions: { spiffworkflow } });
    modeler.current = instance;
    const bus = instance.get<{ on(event: string, callback: (e: any) => void): void }>('eventBus');  // eslint-disable-line @typescript-eslint/no-explicit-any
    bus.on('selection.changed', (e) => setSelected(e.newSelection[0] ?? null));
    bus.on('elements.changed', () => setVersion((v) => v + 1));
    let live = true;
    let timer: number | undefined;
    bus.on('commandStack.changed', () => {
      window.clearTimeout(timer);
      timer = window.setTimeout(async () => {
        const { xml: saved } = await instance.saveXML({ format: true });
        if (live && saved) changed.current(saved);
      }, 150);
    });
    (async () => {
      const messages: string[] = [];
      let source = xml;
      if (!hasDiagram(source)) {
        const { layoutProcess } = await import('bpmn-auto-layout');
        source = await layoutProcess(source);
        messages.push(st.modeler.noDiagram);
      }
      try {
        const { warnings } = await instance.importXML(source);
        if (warnings.length) messages.push(st.modeler.importWarnings(warnings.length));
        fitBesidePalette(instance.get<Canvas>('canvas'));
        if (live) setReady(true);
      } catch (error) {
        if (live) setFailure(`${st.modeler.importFailed} ${error instanceof Error ? error.message : String(error)}`);
      }
      if (live) setNotice(messages);
    })();
    return () => { live = false; window.clearTimeout(timer); instance.destroy(); modeler.current = null; };
    // The file is imported once per mount; the studio mounts a new editor (key = path) for another file.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  useEffect(() => {
    const instance = modeler.current;
    if (!ready || !instance) return;
    const canvas = instance.get<Canvas>('canvas');
    const registry = instance.get<Registry>('elementRegistry');
    for (const id of marked.current) for (const marker of MARKERS) if (registry.get(id)) canvas.removeMarker(id, marker);
    marked.current = [];
    for (const finding of findings) {
      const id = finding.element_id;
      if (!id || !registry.get(id)) continue;
      canvas.addMarker(id, finding.severity === 'error' ? 'studio-error' : 'studio-warning');
      marked.current.push(id);
    }
  }, [ready, findings]);

  useEffect(() => {
    const instance = modeler.current;
    const element = focusId ? instance?.get<Registry>('elementRegistry').get(focusId) : undefined;
    if (!ready || !instance || !element) return;
    instance.get<Selection>('selection').select(element);
    instance.get<Canvas>('canvas').scrollToElement(element);
  }, [ready, focusId]);

  const services = modeler.current && {
    modeling: modeler.current.get<Modeling>('modeling'),
    moddle: modeler.current.get<Moddle>('moddle'),
  };
  return (
    <div className="studio-modeler">
      {notice.map((text) => <p key={text} className="alert alert-info" role="status">{text}</p>)}
      {failure && <p className="alert alert-error" role="alert">{failure}</p>}
      <div className="studio-modeler-body">
        <div ref={container} className="studio-canvas" role="application" aria-label={`${st.modeler.label} ${path}`} data-testid="bpmn-canvas" data-path={path} data-ready={String(ready)} />
        {services && (
          <PropertiesPanel key={selected?.id ?? ''} version={version} element={selected} roles={roles} forms={forms} {...services} onOpenForm={onOpenForm} />
        )}
      </div>
    </div>
  );
}
