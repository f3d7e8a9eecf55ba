// An area's variables (area.yaml `variables:`) as fields within their declared bounds. The change is written
// into the YAML document itself (comments and order kept); the server's validator is the judge of the bounds.
import { useId, useMemo } from 'react';
import { isMap, parseDocument } from 'yaml';
import type { VariableDeclaration } from '../api/client';
import { st } from './text';

interface Props { text: string; declarations: VariableDeclaration[]; onChange: (text: string) => void }

type Value = string | number | boolean;

function currentValues(text: string): Record<string, unknown> {
  const data = parseDocument(text).toJS() as { variables?: Record<string, unknown> } | null;
  return Object.fromEntries(Object.entries(data?.variables ?? {}).map(
    ([key, raw]) => [key, raw && typeof raw === 'object' && 'default' in raw ? (raw as { default: unknown }).default : raw],
  ));
}

function withDefault(text: string, key: string, value: Value): string {
  const doc = parseDocument(text);
  const declared = doc.getIn(['variables', key]);
  doc.setIn(isMap(declared) ? ['variables', key, 'default'] : ['variables', key], value);
  // keep the file's own spelling where the library can: [a, b] stays unpadded, long lines are not refolded
  return doc.toString({ flowCollectionPadding: false, lineWidth: 0 });
}

function bounds(v: VariableDeclaration): string {
  if (v.type === 'enum') return `${st.variables.oneOf} ${v.values.join(', ')}`;
  const parts = [st.variables.typeNames[v.type] ?? v.type];
  if (v.min !== null && v.min !== undefined) parts.push(`${st.variables.min} ${v.min}`);
  if (v.max !== null && v.max !== undefined) parts.push(`${st.variables.max} ${v.max}`);
  return parts.join(', ');
}

function Input({ v, value, onCommit }: { v: VariableDeclaration; value: unknown; onCommit: (value: Value) => void }) {
  const id = useId();
  const label = <label htmlFor={id}>{v.key}</label>;
  if (v.type === 'boolean') {
    return <>{label} <input id={id} type="checkbox" checked={value === true} onChange={(e) => onCommit(e.target.checked)} /></>;
  }
  if (v.type === 'enum') {
    return <>{label}<select id={id} className="form-control" value={String(value)}
      onChange={(e) => onCommit(v.values.find((x) => String(x) === e.target.value) as Value)}>
      {v.values.map((x) => <option key={String(x)} value={String(x)}>{String(x)}</option>)}
    </select></>;
  }
  const number = v.type === 'number';
  return <>{label}<input id={id} className="form-control" type={number ? 'number' : 'text'} defaultValue={String(value ?? '')}
    min={number ? (v.min as number | undefined) : undefined} max={number ? (v.max as number | undefined) : undefined}
    onBlur={(e) => {
      const raw = e.target.value.trim();
      const next = number ? Number(raw) : raw;
      if (raw !== '' && next !== value) onCommit(next);
    }} /></>;
}

export function VariablesEditor({ text, declarations, onChange }: Props) {
  const values = useMemo(() => currentValues(text), [text]);
  if (!declarations.length) return null;
  return (
    <section className="studio-variables">
      <h3>{st.variables.title}</h3>
      <p>{st.variables.intro}</p>
      <div className="table-wrap"><table>
        <thead><tr><th scope="col">{st.variables.key}</th><th scope="col">{st.variables.bounds}</th></tr></thead>
        <tbody>{declarations.map((v) => (
          <tr key={v.key}>
            <td><Input v={v} value={values[v.key]} onCommit={(value) => onChange(withDefault(text, v.key, value))} />
              {v.description && <p className="help-block">{v.description}</p>}</td>
            <td>{bounds(v)}</td>
          </tr>
        ))}</tbody>
      </table></div>
    </section>
  );
}
