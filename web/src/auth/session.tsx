// Who is signed in, for the whole app: the token lives in sessionStorage (auth/token.ts), the user and their
// grants come from GET /me. Pages that need a login are wrapped in <RequireLogin>.
import { createContext, useCallback, useContext, useEffect, useState, type ReactNode } from 'react';
import { Navigate, useLocation } from 'react-router';
import { api, type Me } from '../api/client';
import { clearToken, getToken, onTokenChange } from './token';

interface Session {
  me: Me | null;
  loading: boolean;
  logout: () => void;
  hasRole: (...roles: string[]) => boolean;
}

const SessionContext = createContext<Session>({ me: null, loading: false, logout: () => {}, hasRole: () => false });

export function SessionProvider({ children }: { children: ReactNode }) {
  const [token, setTokenState] = useState(getToken());
  // Whom the token belongs to, and which token that answer was for: a new token is "loading" until /me answers.
  const [answer, setAnswer] = useState<{ token: string; me: Me | null } | null>(null);

  useEffect(() => onTokenChange(() => setTokenState(getToken())), []);
  useEffect(() => {
    if (!token) return;
    let live = true;
    api.me().then(
      (user) => live && setAnswer({ token, me: user }),
      () => live && setAnswer({ token, me: null }),
    );
    return () => { live = false; };
  }, [token]);

  const current = token && answer?.token === token ? answer : null;
  const me = current?.me ?? null;
  const loading = Boolean(token) && !current;
  const hasRole = useCallback(
    (...roles: string[]) => Boolean(me?.grants.some((grant) => roles.length === 0 || roles.includes(grant.role))),
    [me],
  );
  return (
    <SessionContext.Provider value={{ me, loading, logout: clearToken, hasRole }}>{children}</SessionContext.Provider>
  );
}

export const useSession = () => useContext(SessionContext);

export function RequireLogin({ children }: { children: ReactNode }) {
  const { me, loading } = useSession();
  const location = useLocation();
  if (!getToken() || (!loading && !me)) {
    return <Navigate to={`/logga-in?next=${encodeURIComponent(location.pathname + location.search)}`} replace />;
  }
  if (!me) return null;
  return <>{children}</>;
}
