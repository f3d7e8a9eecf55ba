// What avvik reads from a BPMN element, read from and written to bpmn-js's model (moddle business objects):
// the lane's name (the role), a user task's form and instructions, a flow's condition, a timer's expression.
// Writes go through bpmn-js's `modeling`, so every change is on the editor's undo stack.

/* eslint-disable @typescript-eslint/no-explicit-any */
export type BusinessObject = any;
export interface Modeling {
  updateProperties(element: unknown, properties: Record<string, unknown>): void;
  updateModdleProperties(element: unknown, moddleElement: unknown, properties: Record<string, unknown>): void;
}
export interface Moddle { create(type: string, attrs?: Record<string, unknown>): BusinessObject }

export const FORM_PROPERTY = 'formJsonSchemaFilename';
const TIMER_KINDS = ['timeDuration', 'timeDate', 'timeCycle'] as const;
export type TimerKind = (typeof TIMER_KINDS)[number];

/** True when the XML carries diagram interchange (bpmndi:BPMNDiagram): without it nothing can be drawn. */
export const hasDiagram = (xml: string) => /<([\w-]+:)?BPMNDiagram[\s>]/.test(xml);

const extensionValues = (bo: BusinessObject): BusinessObject[] => bo?.extensionElements?.values ?? [];

export function formOf(bo: BusinessObject): string {
  const properties = extensionValues(bo).find((v) => v.$type === 'spiffworkflow:Properties');
  const found = (properties?.properties ?? []).find((p: BusinessObject) => p.name === FORM_PROPERTY);
  return found?.value ?? '';
}

export function instructionsOf(bo: BusinessObject): string {
  return extensionValues(bo).find((v) => v.$type === 'spiffworkflow:InstructionsForEndUser')?.text ?? '';
}

export function decisionOf(bo: BusinessObject): string {
  return extensionValues(bo).find((v) => v.$type === 'spiffworkflow:CalledDecisionId')?.text ?? '';
}

export function timerOf(bo: BusinessObject): { definition: BusinessObject; kind: TimerKind; body: string } | null {
  const definition = (bo?.eventDefinitions ?? []).find((d: BusinessObject) => d.$type === 'bpmn:TimerEventDefinition');
  if (!definition) return null;
  const kind = TIMER_KINDS.find((k) => definition[k]) ?? 'timeDuration';
  return { definition, kind, body: definition[kind]?.body ?? '' };
}

export const conditionOf = (bo: BusinessObject): string => bo?.conditionExpression?.body ?? '';

/** A copy of the element's extension elements with one spiff element replaced (or removed when `make` gives null). */
function withExtension(moddle: Moddle, bo: BusinessObject, type: string, make: (old: BusinessObject) => BusinessObject | null) {
  const values = extensionValues(bo);
  const old = values.find((v) => v.$type === type);
  const next = make(old);
  const kept = values.filter((v) => v !== old);
  const updated = next ? (old ? values.map((v) => (v === old ? next : v)) : [...kept, next]) : kept;
  return moddle.create('bpmn:ExtensionElements', { values: updated });
}

export function setForm(modeling: Modeling, moddle: Moddle, element: { businessObject: BusinessObject }, form: string) {
  const bo = element.businessObject;
  const extensionElements = withExtension(moddle, bo, 'spiffworkflow:Properties', (old) => {
    const others = (old?.properties ?? []).filter((p: BusinessObject) => p.name !== FORM_PROPERTY);
    const properties = form ? [moddle.create('spiffworkflow:Property', { name: FORM_PROPERTY, value: form }), ...others] : others;
    return properties.length ? moddle.create('spiffworkflow:Properties', { properties }) : null;
  });
  modeling.updateProperties(element, { extensionElements });
}

export function setInstructions(modeling: Modeling, moddle: Moddle, element: { businessObject: BusinessObject }, text: string) {
  const extensionElements = withExtension(moddle, element.businessObject, 'spiffworkflow:InstructionsForEndUser',
    () => (text ? moddle.create('spiffworkflow:InstructionsForEndUser', { text }) : null));
  modeling.updateProperties(element, { extensionElements });
}

export function setCondition(modeling: Modeling, moddle: Moddle, element: unknown, body: string) {
  modeling.updateProperties(element, {
    conditionExpression: body ? moddle.create('bpmn:FormalExpression', { body }) : undefined,
  });
}

export function setTimer(modeling: Modeling, moddle: Moddle, element: { businessObject: BusinessObject }, kind: TimerKind, body: string) {
  const timer = timerOf(element.businessObject);
  if (!timer) return;
  const properties: Record<string, unknown> = Object.fromEntries(TIMER_KINDS.map((k) => [k, undefined]));
  properties[kind] = moddle.create('bpmn:FormalExpression', { body });
  modeling.updateModdleProperties(element, timer.definition, properties);
}
