// bpmn-auto-layout ships no type declarations; this is the one function the studio uses.
declare module 'bpmn-auto-layout' {
  export function layoutProcess(xml: string): Promise<string>;
}

// dmn-js ships no type declarations; these are the parts of its Modeler the studio uses.
declare module 'dmn-js/lib/Modeler' {
  interface DmnView { id: string; name?: string; type: string }
  interface DmnViewer { get(service: 'eventBus'): { on(event: string, callback: () => void): void } }
  export default class DmnModeler {
    constructor(options: { container: HTMLElement });
    importXML(xml: string): Promise<{ warnings: unknown[] }>;
    saveXML(options?: { format?: boolean }): Promise<{ xml?: string }>;
    getViews(): DmnView[];
    getActiveView(): DmnView | null;
    getActiveViewer(): DmnViewer | null;
    open(view: DmnView): Promise<unknown>;
    on(event: 'views.changed', callback: (event: { views: DmnView[]; activeView: DmnView | null }) => void): void;
    destroy(): void;
  }
}
