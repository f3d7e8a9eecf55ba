import { Link } from 'react-router';
import { useSession } from '../auth/session';
import { usePageTitle } from '../components/common';
import { t } from '../text';

export default function Start() {
  usePageTitle(t.start.title);
  const { me, hasRole } = useSession();
  return (
    <section className="start">
      <h1>{t.start.title}</h1>
      <p className="lead">{t.start.intro}</p>
      <div className="cta-list">
        <Link className="button button-primary" to="/rapportera">{t.start.reportCta}</Link>
        {me && hasRole() && <Link className="button" to="/arbetslista">{t.start.workCta}</Link>}
        <Link className="button" to="/synpunkter">{t.start.feedbackCta}</Link>
      </div>
    </section>
  );
}
