import { Result } from 'antd';
import { useTranslation } from 'react-i18next';
import { Navigate, createBrowserRouter, type RouteObject } from 'react-router-dom';
import { useCurrentUser } from '../features/auth/auth.resource';
import { AppLayout } from './AppLayout';
import { AuthGuard } from './AuthGuard';
import { homePathFor } from './nav';
import { RouteError } from './RouteError';

/** `/` sends each role where its work is (nav.ts homePathFor). */
function HomeRedirect() {
  const { t } = useTranslation();
  const home = homePathFor(useCurrentUser());
  if (!home) return <Result status="info" title={t('home.notLinked')} subTitle={t('home.notLinkedHint')} />;
  return <Navigate to={home} replace />;
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
  { path: 'access-review', lazy: async () => ({ Component: (await import('../features/access-review/access-review.page')).default }) },
  // The review page's older name in the issue tracker and in people's bookmarks.
  { path: 'audit', element: <Navigate to="/access-review" replace /> },
  { path: 'referrals', lazy: async () => ({ Component: (await import('../features/referrals/referrals.page')).default }) },
  { path: 'referrals/new', lazy: async () => ({ Component: (await import('../features/referrals/referral-new.page')).default }) },
  { path: 'referrals/:id', lazy: async () => ({ Component: (await import('../features/referrals/referral-detail.page')).default }) },
  { path: 'kpi', lazy: async () => ({ Component: (await import('../features/kpi/kpi.page')).default }) },
  // Central sterile supply (features/sterile-supply).
  { path: 'sterile-supply', lazy: async () => ({ Component: (await import('../features/sterile-supply/department.page')).default }) },
  { path: 'sterile-supply/run', lazy: async () => ({ Component: (await import('../features/sterile-supply/run.page')).default }) },
  { path: 'sterile-supply/centre', lazy: async () => ({ Component: (await import('../features/sterile-supply/centre.page')).default }) },
  { path: 'sterile-supply/kpi', lazy: async () => ({ Component: (await import('../features/sterile-supply/kpi.page')).default }) },
  { path: 'sterile-supply/trace/:label', lazy: async () => ({ Component: (await import('../features/sterile-supply/trace.page')).default }) },
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
