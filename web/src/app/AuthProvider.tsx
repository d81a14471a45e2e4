import { useCallback, useEffect, useMemo, useState, type ReactNode } from 'react';
import { onUnauthorized, type ApiError } from '../api/client';
import { AuthContext, authApi, type AuthState, type AuthStatus } from '../features/auth/auth.resource';
import type { CurrentUser } from '../features/auth/auth.types';

/** Loads the session's user once (GET /api/auth/me) and drops it whenever the server answers 401. */
export function AuthProvider({ children }: { children: ReactNode }) {
  const [user, setUserState] = useState<CurrentUser | null>(null);
  const [status, setStatus] = useState<AuthStatus>('loading');
  const [error, setError] = useState<ApiError | undefined>();
  const [generation, setGeneration] = useState(0);
  const [loggedOut, setLoggedOut] = useState(false);

  useEffect(() => {
    const controller = new AbortController();
    authApi.me(controller.signal).then(
      (me) => {
        setUserState(me);
        setStatus(me ? 'authenticated' : 'anonymous');
        setError(undefined);
      },
      (e: unknown) => {
        if (controller.signal.aborted) return;
        setError(e as ApiError);
        setStatus('error');
      },
    );
    return () => controller.abort();
  }, [generation]);

  useEffect(
    () =>
      onUnauthorized(() => {
        setUserState(null);
        setStatus('anonymous');
      }),
    [],
  );

  const setUser = useCallback((next: CurrentUser | null, how?: { loggedOut?: boolean }) => {
    setLoggedOut(!next && !!how?.loggedOut);
    setUserState(next);
    setStatus(next ? 'authenticated' : 'anonymous');
    setError(undefined);
  }, []);
  const refresh = useCallback(() => {
    setStatus('loading');
    setGeneration((g) => g + 1);
  }, []);

  const value = useMemo<AuthState>(
    () => ({ status, user, error, loggedOut, setUser, refresh }),
    [status, user, error, loggedOut, setUser, refresh],
  );
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}
