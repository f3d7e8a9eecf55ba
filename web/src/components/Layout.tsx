import { Suspense, useEffect, useRef } from 'react';
import { Link, NavLink, Outlet, useLocation } from 'react-router';
import { useSession } from '../auth/session';
import { t } from '../text';
import { NotificationBell } from './NotificationBell';

export function Layout() {
  const { me, logout, hasRole } = useSession();
  const location = useLocation();
  const main = useRef<HTMLElement>(null);
  // A page change moves focus to the new content, so keyboard and screen reader users start there.
  useEffect(() => { main.current?.focus(); }, [location.pathname]);
  const handler = hasRole();
  // Statistics for anyone whose grants read an area (handlers, chefs, verksamhetschef, quality and audit roles).
  const readsAreas = Boolean(me?.grants.some((grant) => grant.reads.length > 0));
  return (
    <>
      <a className="skip-link" href="#innehall">{t.skipToContent}</a>
      <header className="top">
        <Link to="/" className="brand">{t.app}<span className="brand-sub">{t.appLong}</span></Link>
        <nav aria-label={t.nav.label}>
          <ul>
            {me && <li><NavLink to="/rapportera">{t.nav.report}</NavLink></li>}
            {me && <li><NavLink to={handler ? '/handelser' : '/mina-rapporter'} end>{handler ? t.nav.events : t.nav.myReports}</NavLink></li>}
            {handler && <li><NavLink to="/arbetslista">{t.nav.worklist}</NavLink></li>}
            {handler && <li><NavLink to="/atgarder">{t.nav.actions}</NavLink></li>}
            {hasRole('revisor') && <li><NavLink to="/logg">{t.nav.log}</NavLink></li>}
            {hasRole('forvaltare') && <li><NavLink to="/utkorg">{t.nav.outbox}</NavLink></li>}
            {readsAreas && <li><NavLink to="/statistik">{t.nav.statistics}</NavLink></li>}
            {hasRole('patientsakerhet', 'verksamhetschef', 'revisor') &&
              <li><NavLink to="/arsrapport">{t.nav.annual}</NavLink></li>}
            {hasRole('processagare') && <li><NavLink to="/studio">{t.nav.studio}</NavLink></li>}
            {handler && <li><NavLink to="/ersattare">{t.nav.deputies}</NavLink></li>}
            {!me && <li><NavLink to="/synpunkter">{t.nav.feedback}</NavLink></li>}
          </ul>
        </nav>
        <div className="who">
          {me ? (
            <>
              <NotificationBell />
              <span><span className="visually-hidden">{t.nav.signedInAs} </span>{me.name}</span>
              <button type="button" className="link-button" onClick={logout}>{t.nav.logout}</button>
            </>
          ) : (
            <Link to="/logga-in">{t.nav.login}</Link>
          )}
        </div>
      </header>
      <main id="innehall" ref={main} tabIndex={-1}>
        <Suspense fallback={<p role="status">{t.loading}</p>}>
          <Outlet />
        </Suspense>
      </main>
    </>
  );
}
