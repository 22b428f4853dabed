// The frame around every page: sign-in when no one is signed in, else the navigation and the page.
import { useQueryClient } from '@tanstack/react-query';
import { Link, Outlet, useRouterState } from '@tanstack/react-router';
import { type FormEvent, Suspense, useState } from 'react';
import { consoleConfig, forgetCachedResponses } from './api';
import { useMe } from './auth';
import { ErrorNote, Loading } from './components/ui';
import { signIn, signOut, useToken } from './session';

const NAV = [
  ['Runs', '/runs'],
  ['Reviews', '/reviews'],
  ['Recipes', '/recipes'],
  ['Artifacts', '/artifacts'],
  ['Schedules', '/schedules'],
  ['Triggers', '/triggers'],
  ['Credits', '/credits'],
  ['Audit', '/audit'],
  ['Settings', '/settings'],
] as const;

export function Shell() {
  const token = useToken();
  const path = useRouterState({ select: (state) => state.location.pathname });
  if (path === '/auth/callback') return <Outlet />;
  if (!token) return <SignIn />;
  return <Layout />;
}

function Layout() {
  const me = useMe();
  const queryClient = useQueryClient();
  const leave = () => {
    signOut();
    forgetCachedResponses();
    queryClient.clear();
  };
  const links = me.data?.role === 'platform' ? [...NAV, ['Tenants', '/tenants'] as const] : NAV;
  return (
    <div className="layout">
      <a className="skip" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <span className="brand">recipeflow</span>
        <nav aria-label="Main">
          <ul>
            {links.map(([name, to]) => (
              <li key={to}>
                <Link to={to} activeProps={{ 'aria-current': 'page', className: 'active' }}>
                  {name}
                </Link>
              </li>
            ))}
          </ul>
        </nav>
        <div className="who">
          {me.data ? (
            <span className="muted">
              {me.data.tenantId} · {me.data.role}
            </span>
          ) : null}
          <button type="button" onClick={leave}>
            Sign out
          </button>
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        {me.error ? <ErrorNote error={me.error} /> : null}
        <Suspense fallback={<Loading />}>
          <Outlet />
        </Suspense>
      </main>
    </div>
  );
}

function SignIn() {
  const [key, setKey] = useState('');
  const [error, setError] = useState<unknown>();
  const oidc = consoleConfig().oidc;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (key.trim()) signIn(key.trim());
  };
  const viaIssuer = async () => {
    try {
      const { startOidcSignIn } = await import('./oidc');
      await startOidcSignIn(oidc!);
    } catch (caught) {
      setError(caught);
    }
  };
  return (
    <main id="main" className="sign-in">
      <h1>recipeflow</h1>
      <form onSubmit={submit} className="card">
        <label htmlFor="api-key">API key</label>
        <input
          id="api-key"
          type="password"
          autoComplete="off"
          spellCheck={false}
          value={key}
          onChange={(event) => setKey(event.target.value)}
          placeholder="rf_…"
          required
        />
        <p className="muted small">Kept for this tab only; closing it or “Sign out” forgets it.</p>
        <button type="submit" className="primary">
          Sign in
        </button>
      </form>
      {oidc ? (
        <div className="card">
          <button type="button" onClick={() => void viaIssuer()}>
            Sign in with {new URL(oidc.issuer).host}
          </button>
        </div>
      ) : null}
      <ErrorNote error={error} />
    </main>
  );
}
