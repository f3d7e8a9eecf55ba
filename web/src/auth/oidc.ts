// Login with the organisation's OpenID Connect provider: authorization code + PKCE (oidc-client-ts), the
// provider's settings from GET /session/config. Loaded only when someone uses it (a dynamic import).
import { UserManager, WebStorageStateStore, type User } from 'oidc-client-ts';
import type { SessionConfig } from '../api/client';
import { setToken } from './token';

type Oidc = NonNullable<SessionConfig['oidc']>;

const manager = (oidc: Oidc) => new UserManager({
  authority: oidc.issuer,
  client_id: oidc.client_id,
  scope: oidc.scope,
  response_type: 'code',
  redirect_uri: `${window.location.origin}/inloggad`,
  post_logout_redirect_uri: `${window.location.origin}/`,
  userStore: new WebStorageStateStore({ store: window.sessionStorage }),
  stateStore: new WebStorageStateStore({ store: window.sessionStorage }),
});

/** The API verifies JWTs: the access token when the provider issues it as a JWT, else the ID token. */
const bearer = (user: User): string =>
  user.access_token.split('.').length === 3 ? user.access_token : (user.id_token ?? user.access_token);

export async function startLogin(oidc: Oidc, next: string): Promise<void> {
  await manager(oidc).signinRedirect({ state: { next } });
}

/** Finish the redirect back from the provider; returns where the person was going. */
export async function finishLogin(oidc: Oidc): Promise<string> {
  const user = await manager(oidc).signinRedirectCallback();
  setToken(bearer(user));
  const next = (user.state as { next?: string } | undefined)?.next;
  return next?.startsWith('/') ? next : '/';
}
