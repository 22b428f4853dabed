// Where the OIDC issuer sends the browser back: trade the code for a token, then leave the URL clean.
import { useNavigate } from '@tanstack/react-router';
import { useEffect, useRef, useState } from 'react';
import { consoleConfig } from '../api';
import { ErrorNote, Loading } from '../components/ui';
import { finishOidcSignIn } from '../oidc';
import { signIn } from '../session';

export function AuthCallbackPage() {
  const navigate = useNavigate();
  const [error, setError] = useState<unknown>();
  // A code is spent once: React's development double effects must not trade it twice.
  const started = useRef(false);
  useEffect(() => {
    if (started.current) return;
    started.current = true;
    const oidc = consoleConfig().oidc;
    if (!oidc) {
      setError(new Error('this deployment has no OIDC issuer configured'));
      return;
    }
    finishOidcSignIn(oidc)
      .then((token) => {
        signIn(token);
        void navigate({ to: '/runs', replace: true });
      })
      .catch(setError);
  }, [navigate]);
  return (
    <main id="main" className="sign-in">
      <h1>Signing in</h1>
      {error ? <ErrorNote error={error} /> : <Loading />}
    </main>
  );
}
