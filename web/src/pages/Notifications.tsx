import { Link, useNavigate } from 'react-router';
import { api } from '../api/client';
import type { Notification } from '../api/client';
import { asApiError, Badge, ErrorMessage, Loading, useLoad, usePageTitle } from '../components/common';
import { useState } from 'react';
import { notifyUnreadChanged } from '../components/NotificationBell';
import { t } from '../text';

export default function Notifications() {
  usePageTitle(t.notifications.title);
  const inbox = useLoad(() => api.notifications(100, 0), []);
  const [error, setError] = useState<ReturnType<typeof asApiError> | null>(null);
  const navigate = useNavigate();

  const markRead = async (item: Notification) => {
    try {
      const read = await api.markRead(item.id);
      inbox.setData((current) => current && {
        unread: Math.max(0, current.unread - (item.read_at ? 0 : 1)),
        items: current.items.map((n) => (n.id === read.id ? read : n)),
      });
      notifyUnreadChanged();
    } catch (e) {
      setError(asApiError(e));
    }
  };
  const open = async (item: Notification) => {
    if (!item.read_at) await markRead(item);
    navigate(item.link);
  };

  return (
    <section>
      <h1>{t.notifications.title}</h1>
      <p>{t.notifications.intro} <Link to="/notiser/installningar">{t.notifications.settingsLink}</Link></p>
      <ErrorMessage error={inbox.error ?? error} />
      {!inbox.data && !inbox.error && <Loading />}
      {inbox.data && inbox.data.items.length === 0 && <p>{t.notifications.none}</p>}
      {inbox.data && inbox.data.items.length > 0 && (
        <ul className="notification-list">
          {inbox.data.items.map((item) => (
            <li key={item.id} className={item.read_at ? 'read' : 'unread'}>
              <div>
                {!item.read_at && <Badge tone="warn">{t.notifications.unread}</Badge>}{' '}
                <a href={item.link} onClick={(event) => { event.preventDefault(); void open(item); }}>{item.subject}</a>
              </div>
              <div className="muted">{item.body.split('\n')[0]} · {t.time.format(item.created_at)}</div>
              {!item.read_at && (
                <button type="button" className="button button-quiet" onClick={() => void markRead(item)}>
                  {t.notifications.markRead}<span className="visually-hidden">: {item.subject}</span>
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
