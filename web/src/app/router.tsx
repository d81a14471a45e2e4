import { Navigate, createBrowserRouter, type RouteObject } from 'react-router-dom';
import { homePathFor, useCurrentUser } from '../features/auth/auth.resource';
import { AppLayout } from './AppLayout';
import { AuthGuard } from './AuthGuard';
import { RouteError } from './RouteError';

function HomeRedirect() {
  return <Navigate to={homePathFor(useCurrentUser())} replace />;
}

/** Pages behind log-in, rendered inside the app layout. Add new feature routes here (and a nav entry in nav.ts). */
export const protectedRoutes: RouteObject[] = [
  { index: true, element: <HomeRedirect /> },
  { path: 'residents', lazy: async () => ({ Component: (await import('../features/residents/resident-search.page')).default }) },
  { path: 'residents/:id', lazy: async () => ({ Component: (await import('../features/residents/resident-record.page')).default }) },
  {
    path: 'residents/:id/followup/:programme',
    lazy: async () => ({ Component: (await import('../features/followup/followup.page')).default }),
  },
  { path: 'worklist', lazy: async () => ({ Component: (await import('../features/worklist/worklist.page')).default }) },
  { path: 'referrals', lazy: async () => ({ Component: (await import('../features/referrals/referrals.page')).default }) },
  { path: 'referrals/new', lazy: async () => ({ Component: (await import('../features/referrals/referral-new.page')).default }) },
  { path: 'referrals/:id', lazy: async () => ({ Component: (await import('../features/referrals/referral-detail.page')).default }) },
  { path: 'kpi', lazy: async () => ({ Component: (await import('../features/kpi/kpi.page')).default }) },
  { path: '*', lazy: async () => ({ Component: (await import('./NotFound.page')).default }) },
];

export const routes: RouteObject[] = [
  {
    errorElement: <RouteError />,
    hydrateFallbackElement: <div className="kl-center" />,
    children: [
      { path: '/login', lazy: async () => ({ Component: (await import('../features/auth/login.page')).default }) },
      {
        path: '/',
        element: <AuthGuard />,
        children: [{ element: <AppLayout />, children: protectedRoutes }],
      },
    ],
  },
];

export const createRouter = () => createBrowserRouter(routes);
