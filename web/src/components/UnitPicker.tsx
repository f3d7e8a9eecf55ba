// Choose the unit where it happened by searching: a text field filters a short list of radio buttons, which
// works with touch, keyboard (arrow keys) and screen readers alike.
import { useId, useMemo, useState } from 'react';
import type { Unit } from '../api/client';
import { t } from '../text';

const MAX_SHOWN = 8;
const fold = (text: string) => text.toLocaleLowerCase('sv-SE');

export function UnitPicker({ units, value, onChange, error }: {
  units: Unit[]; value: string | null; onChange: (id: string) => void; error?: string;
}) {
  const [query, setQuery] = useState('');
  const id = useId();
  const byId = useMemo(() => new Map(units.map((unit) => [unit.id, unit])), [units]);
  const shown = useMemo(() => {
    const words = fold(query).split(/\s+/).filter(Boolean);
    const matches = units.filter((unit) => {
      const text = fold(`${unit.name} ${byId.get(unit.parent ?? '')?.name ?? ''} ${unit.id}`);
      return words.every((word) => text.includes(word));
    });
    const chosen = value ? byId.get(value) : undefined;
    const list = matches.slice(0, MAX_SHOWN);
    return chosen && !list.includes(chosen) ? [chosen, ...list] : list;
  }, [units, byId, query, value]);

  return (
    <fieldset className={`unit-picker${error ? ' has-error' : ''}`} aria-describedby={error ? `${id}-error` : undefined}>
      <legend>{t.report.unit}<span className="required">*</span></legend>
      <label htmlFor={`${id}-search`}>{t.report.unitSearch}</label>
      <input id={`${id}-search`} type="search" className="form-control" value={query} autoComplete="off"
             aria-describedby={`${id}-help`} onChange={(event) => setQuery(event.target.value)} />
      <p id={`${id}-help`} className="help-block">{t.report.unitHelp}</p>
      {shown.length === 0 && <p role="status">{t.report.noUnits}</p>}
      <div className="unit-options">
        {shown.map((unit) => (
          <label key={unit.id} className="unit-option">
            <input type="radio" name={`${id}-unit`} value={unit.id} checked={value === unit.id}
                   onChange={() => onChange(unit.id)} />
            <span>
              <span className="unit-name">{unit.name}</span>
              {unit.parent && <span className="unit-parent">{byId.get(unit.parent)?.name}</span>}
            </span>
          </label>
        ))}
      </div>
      {error && <p id={`${id}-error`} className="error-detail">{error}</p>}
    </fieldset>
  );
}
