import { createContext, useContext } from 'react';
import { api, ApiError } from '../../api/client';
import { useMutation } from '../../api/useResource';
import type { CurrentUser, LoginResponse } from './auth.types';

export const authApi = {
  /** The logged-in user, or null when there is no valid session. */
  me: async (signal?: AbortSignal): Promise<CurrentUser | null> => {
    try {
      return await api.get<CurrentUser>('/api/auth/me', { signal });
    } catch (e) {
      if (e instanceof ApiError && e.status === 401) return null;
      throw e;
    }
  },
  login: (username: string, password: string) => api.post<LoginResponse>('/api/auth/login', { username, password }),
  logout: () => api.post<void>('/api/auth/logout'),
  changePassword: (currentPassword: string, newPassword: string) =>
    api.post<void>('/api/auth/password', { currentPassword, newPassword }),
};

export type AuthStatus = 'loading' | 'authenticated' | 'anonymous' | 'error';

export interface AuthState {
  status: AuthStatus;
  user: CurrentUser | null;
  /** Set when /api/auth/me itself failed (server down); the guard offers a retry. */
  error: ApiError | undefined;
  /** True after the user logged out on purpose (no "come back to this page" after the next log-in). */
  loggedOut: boolean;
  setUser: (user: CurrentUser | null, how?: { loggedOut?: boolean }) => void;
  refresh: () => void;
}

export const AuthContext = createContext<AuthState | null>(null);

export function useAuth(): AuthState {
  const ctx = useContext(AuthContext);
  if (!ctx) throw new Error('useAuth must be used inside <AuthProvider>');
  return ctx;
}

/** The logged-in user; only for components rendered behind the auth guard. */
export function useCurrentUser(): CurrentUser {
  const { user } = useAuth();
  if (!user) throw new Error('useCurrentUser used outside the auth guard');
  return user;
}

export function useLogin() {
  const { setUser } = useAuth();
  return useMutation(async ({ username, password }: { username: string; password: string }) => {
    const res = await authApi.login(username, password);
    setUser(res.user);
    return res.user;
  });
}

export function useLogout() {
  const { setUser } = useAuth();
  return useMutation(async () => {
    try {
      await authApi.logout();
    } catch (e) {
      // An expired session is already logged out; anything else is still a local log-out.
      if (!(e instanceof ApiError)) throw e;
    } finally {
      setUser(null, { loggedOut: true });
    }
  });
}

/**
 * Where a user lands after log-in: residents go to their own record, administrators who see aggregates only
 * to the KPI dashboard, other staff to the resident search.
 */
export function homePathFor(user: CurrentUser): string {
  if (user.role === 'resident' && user.residentId) return `/residents/${user.residentId}`;
  if (user.role === 'commission_admin' || user.role === 'insurance_admin') return '/kpi';
  if (user.role === 'cssd_staff') return '/sterile-supply';
  if (user.role === 'cssd_run_nurse') return '/sterile-supply/run';
  if (user.role === 'cssd_centre_nurse') return '/sterile-supply/centre';
  return '/residents';
}

/** Only same-site paths are followed after log-in (no open redirects, no loop back to /login). */
export function safeNext(next: string | null): string | null {
  if (!next || !next.startsWith('/') || next.startsWith('//') || next.startsWith('/\\') || next.startsWith('/login')) return null;
  return next;
}
