import { useState } from 'react';
import { Link } from 'react-router';
import { api } from '../api/client';
import type { Delivery } from '../api/client';
import { asApiError, ErrorMessage, Loading, Notice, useLoad, usePageTitle } from '../components/common';
import { t } from '../text';

const DELIVERIES: Delivery[] = ['immediate', 'digest', 'off'];

export default function NotificationSettings() {
  usePageTitle(t.notifications.settingsTitle);
  const settings = useLoad(() => api.notificationSettings(), []);
  const [error, setError] = useState<ReturnType<typeof asApiError> | null>(null);
  const [saved, setSaved] = useState<string | null>(null);

  const choose = async (kind: string, delivery: Delivery) => {
    setError(null);
    setSaved(null);
    try {
      settings.setData(await api.setNotificationSetting(kind, delivery));
      setSaved(kind);
    } catch (e) {
      setError(asApiError(e));
    }
  };

  return (
    <section>
      <h1>{t.notifications.settingsTitle}</h1>
      <p>{t.notifications.settingsIntro}</p>
      <p><Link to="/notiser">{t.notifications.back}</Link></p>
      <ErrorMessage error={settings.error ?? error} />
      {saved && <Notice kind="success">{t.notifications.saved}</Notice>}
      {!settings.data && !settings.error && <Loading />}
      {settings.data && (
        <div className="table-wrap"><table>
          <thead><tr><th scope="col">{t.notifications.kind}</th><th scope="col">{t.notifications.delivery}</th></tr></thead>
          <tbody>{settings.data.map((setting) => (
            <tr key={setting.kind}>
              <td><label htmlFor={`leverans-${setting.kind}`}>{setting.label}</label></td>
              <td>
                <select id={`leverans-${setting.kind}`} className="form-control" value={setting.delivery}
                        disabled={setting.mandatory}
                        aria-describedby={setting.mandatory ? `obligatorisk-${setting.kind}` : undefined}
                        onChange={(event) => void choose(setting.kind, event.target.value as Delivery)}>
                  {DELIVERIES.map((d) => <option key={d} value={d}>{t.notifications.deliveries[d]}</option>)}
                </select>
                {setting.mandatory && <div id={`obligatorisk-${setting.kind}`} className="muted">{t.notifications.mandatory}</div>}
              </td>
            </tr>
          ))}</tbody>
        </table></div>
      )}
    </section>
  );
}
