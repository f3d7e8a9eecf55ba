// The properties avvik reads, for the element selected in the modeler: a lane's name is the role that gets its
// tasks, a user task names its form, a flow out of a gateway carries a condition, a timer its expression.
// Text is applied when the field is left (one undo step per edit), choices at once.
import { useEffect, useId, useState } from 'react';
import {
  conditionOf, decisionOf, formOf, instructionsOf, setCondition, setForm, setInstructions, setTimer, timerOf,
  type BusinessObject, type Moddle, type Modeling, type TimerKind,
} from './bpmnModel';
import { st } from './text';

export interface Element { id: string; type: string; businessObject: BusinessObject }

interface Props {
  element: Element | null;
  version: number;
  roles: Record<string, string>;
  forms: string[];
  modeling: Modeling;
  moddle: Moddle;
  onOpenForm: (name: string) => void;
}

function TextField({ label, value, multiline, help, onCommit }: {
  label: string; value: string; multiline?: boolean; help?: string; onCommit: (value: string) => void;
}) {
  const id = useId();
  const [draft, setDraft] = useState(value);
  useEffect(() => setDraft(value), [value]);
  const commit = () => { if (draft !== value) onCommit(draft); };
  const common = {
    id, className: 'form-control', value: draft, 'aria-describedby': help ? `${id}-help` : undefined,
    onChange: (e: React.ChangeEvent<HTMLInputElement | HTMLTextAreaElement>) => setDraft(e.target.value),
    onBlur: commit,
  };
  return (
    <div className="form-group">
      <label htmlFor={id}>{label}</label>
      {multiline ? <textarea rows={3} {...common} />
        : <input {...common} onKeyDown={(e) => { if (e.key === 'Enter') commit(); }} />}
      {help && <p id={`${id}-help`} className="help-block">{help}</p>}
    </div>
  );
}

export function PropertiesPanel({ element, version, roles, forms, modeling, moddle, onOpenForm }: Props) {
  const roleId = useId();
  const formId = useId();
  const timerId = useId();
  void version;  // the parent re-renders the panel with a new version whenever the model changed
  if (!element) {
    return <aside className="studio-props" aria-label={st.props.title}><h3>{st.props.title}</h3><p>{st.props.none}</p></aside>;
  }
  const bo = element.businessObject;
  const type = element.type;
  const isLane = type === 'bpmn:Lane';
  const isUserTask = type === 'bpmn:UserTask';
  const timer = timerOf(bo);
  const form = formOf(bo);
  const laneRole = bo.name ?? '';
  const isFlow = type === 'bpmn:SequenceFlow';
  return (
    <aside className="studio-props" aria-label={st.props.title}>
      <h3>{st.props.title}</h3>
      <dl className="studio-facts">
        <dt>{st.props.id}</dt><dd><code>{element.id}</code></dd>
        <dt>{st.props.type}</dt><dd>{type.replace('bpmn:', '')}</dd>
      </dl>
      {isLane ? (
        <div className="form-group">
          <label htmlFor={roleId}>{st.props.role}</label>
          <select id={roleId} className="form-control" value={laneRole} aria-describedby={`${roleId}-help`}
            onChange={(e) => modeling.updateProperties(element, { name: e.target.value })}>
            {!(laneRole in roles) && <option value={laneRole}>{laneRole || '–'} ({st.props.unknownRole})</option>}
            {Object.entries(roles).map(([id, name]) => <option key={id} value={id}>{name} ({id})</option>)}
          </select>
          <p id={`${roleId}-help`} className="help-block">{st.props.roleHelp}</p>
        </div>
      ) : type !== 'label' && (
        <TextField label={st.props.name} value={bo.name ?? ''} onCommit={(name) => modeling.updateProperties(element, { name })} />
      )}
      {isUserTask && (
        <>
          <div className="form-group">
            <label htmlFor={formId}>{st.props.form}</label>
            <select id={formId} className="form-control" value={form}
              onChange={(e) => setForm(modeling, moddle, element, e.target.value)}>
              <option value="">{st.props.noForm}</option>
              {form && !forms.includes(form) && <option value={form}>{form}</option>}
              {forms.map((name) => <option key={name} value={name}>{name}</option>)}
            </select>
          </div>
          {form && <button type="button" className="button" onClick={() => onOpenForm(form)}>{st.props.openForm}</button>}
          <TextField label={st.props.instructions} multiline value={instructionsOf(bo)}
            onCommit={(text) => setInstructions(modeling, moddle, element, text)} />
        </>
      )}
      {isFlow && (
        <TextField label={st.props.condition} multiline value={conditionOf(bo)}
          onCommit={(body) => setCondition(modeling, moddle, element, body)} />
      )}
      {timer && (
        <>
          <div className="form-group">
            <label htmlFor={timerId}>{st.props.timerKind}</label>
            <select id={timerId} className="form-control" value={timer.kind}
              onChange={(e) => setTimer(modeling, moddle, element, e.target.value as TimerKind, timer.body)}>
              {Object.entries(st.props.timerKinds).map(([kind, label]) => <option key={kind} value={kind}>{label}</option>)}
            </select>
          </div>
          <TextField label={st.props.timer} value={timer.body} help={st.props.timerHelp}
            onCommit={(body) => setTimer(modeling, moddle, element, timer.kind, body)} />
        </>
      )}
      {type === 'bpmn:BusinessRuleTask' && (
        <dl className="studio-facts"><dt>{st.props.decision}</dt><dd><code>{decisionOf(bo) || '–'}</code></dd></dl>
      )}
    </aside>
  );
}
