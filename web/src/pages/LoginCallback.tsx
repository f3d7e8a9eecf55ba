import { useEffect, useState } from 'react';
import { useNavigate } from 'react-router';
import { api } from '../api/client';
import { Loading, usePageTitle } from '../components/common';
import { t } from '../text';

export default function LoginCallback() {
  usePageTitle(t.login.title);
  const navigate = useNavigate();
  const [failed, setFailed] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    (async () => {
      const config = await api.sessionConfig();
      if (!config.oidc) throw new Error(t.login.noMethod);
      const { finishLogin } = await import('../auth/oidc');
      const next = await finishLogin(config.oidc);
      if (live) navigate(next, { replace: true });
    })().catch((error: unknown) => live && setFailed(error instanceof Error ? error.message : String(error)));
    return () => { live = false; };
  }, [navigate]);
  if (failed) return <div className="alert alert-error" role="alert">{t.login.callbackFailed} {failed}</div>;
  return <Loading />;
}
