// The unread count in the header: read when the page changes, and when a page marks something read.
import { useEffect, useState } from 'react';
import { NavLink, useLocation } from 'react-router';
import { api } from '../api/client';
import { t } from '../text';

const CHANGED = 'avvik:notifications-changed';

/** Tell the bell that the unread count changed (a page marked a notification read). */
export const notifyUnreadChanged = () => window.dispatchEvent(new Event(CHANGED));

export function NotificationBell() {
  const location = useLocation();
  const [unread, setUnread] = useState(0);
  const [version, setVersion] = useState(0);
  useEffect(() => {
    const bump = () => setVersion((v) => v + 1);
    window.addEventListener(CHANGED, bump);
    return () => window.removeEventListener(CHANGED, bump);
  }, []);
  useEffect(() => {
    let live = true;
    api.notifications(1, 0).then((inbox) => live && setUnread(inbox.unread), () => undefined);
    return () => { live = false; };
  }, [location.pathname, version]);
  return (
    <NavLink to="/notiser" className="bell">
      <span aria-hidden="true">🔔</span> {t.nav.notifications}
      {unread > 0 && <span className="bell-count"> <span className="badge badge-warn">{t.nav.unread(unread)}</span></span>}
    </NavLink>
  );
}
