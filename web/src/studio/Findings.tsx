// The validator's answer as a list: each finding with its file, line, element, Swedish message and fix; a
// finding on an element of the open diagram can be shown there (it is also marked on the diagram).
import type { Validation } from '../api/client';
import { st } from './text';

interface Props { result: Validation; openPath: string | null; onShow: (file: string, elementId: string | null) => void }

export function Findings({ result, openPath, onShow }: Props) {
  return (
    <section aria-labelledby="studio-findings" className="studio-findings">
      <h2 id="studio-findings">{st.findings}</h2>
      <p role="status">{result.findings.length ? st.summary(result.errors, result.warnings) : st.noFindings}</p>
      <ul>{result.findings.map((f, i) => (
        <li key={i} className={f.severity === 'error' ? 'has-error' : undefined}>
          <strong>{st.severity[f.severity] ?? f.severity}</strong>{' '}
          <span className="where">{f.file}{f.line ? ` ${st.line} ${f.line}` : ''}{f.element_id ? ` [${f.element_id}]` : ''}</span>{' '}
          {f.message} {f.fix && <span>{st.fix} {f.fix}</span>}{' '}
          {(f.element_id || f.file !== openPath) && (
            <button type="button" className="studio-link" onClick={() => onShow(f.file, f.element_id)}>
              {f.element_id ? st.showElement : st.open}
            </button>
          )}
        </li>
      ))}</ul>
    </section>
  );
}
