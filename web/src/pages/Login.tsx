import { useState } from 'react';
import { useNavigate, useSearchParams } from 'react-router';
import { api } from '../api/client';
import { setToken } from '../auth/token';
import { ErrorMessage, Loading, asApiError, useLoad, usePageTitle } from '../components/common';
import { t } from '../text';

export default function Login() {
  usePageTitle(t.login.title);
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const next = params.get('next')?.startsWith('/') ? params.get('next')! : '/';
  const config = useLoad(() => api.sessionConfig(), []);
  const demo = Boolean(config.data?.demo);
  const users = useLoad(() => (demo ? api.demoUsers() : Promise.resolve([])), [demo]);
  const [error, setError] = useState<ReturnType<typeof asApiError> | null>(null);

  async function login(user: string) {
    try {
      setToken((await api.demoLogin(user)).token);
      navigate(next, { replace: true });
    } catch (e) {
      setError(asApiError(e));
    }
  }

  if (!config.data) return config.error ? <ErrorMessage error={config.error} /> : <Loading />;
  return (
    <section>
      <h1>{demo ? t.login.demoTitle : t.login.title}</h1>
      {params.get('next') && <p>{t.login.needLogin}</p>}
      <ErrorMessage error={error ?? users.error} />
      {config.data.oidc && (
        <button type="button" className="button button-primary" onClick={async () => {
          const { startLogin } = await import('../auth/oidc');
          await startLogin(config.data!.oidc!, next).catch((e) => setError(asApiError(e)));
        }}>{t.login.oidc}</button>
      )}
      {demo ? (
        <>
          <div className="alert alert-warning" role="note">{t.login.demoNotice}</div>
          <ul className="demo-users">
            {users.data?.map((user) => (
              <li key={user.id}>
                <button type="button" className="demo-user" data-user={user.id} onClick={() => login(user.id)}>
                  <span className="demo-name">{user.name}</span>
                  <span className="demo-roles">
                    {user.grants.length
                      ? user.grants.map((grant) => `${grant.role_name}, ${grant.unit_name}`).join('; ')
                      : t.login.noRoles}
                  </span>
                </button>
              </li>
            ))}
          </ul>
        </>
      ) : !config.data.oidc && (
        <p>{t.login.noMethod}</p>
      )}
    </section>
  );
}
