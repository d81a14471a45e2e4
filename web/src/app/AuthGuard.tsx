import { Button, Result, Spin } from 'antd';
import { useTranslation } from 'react-i18next';
import { Navigate, Outlet, useLocation } from 'react-router-dom';
import { useAuth } from '../features/auth/auth.resource';

/** Renders the protected routes only with a session; otherwise sends the user to /login?next=…. */
export function AuthGuard() {
  const { status, error, refresh, loggedOut } = useAuth();
  const location = useLocation();
  const { t } = useTranslation();

  if (status === 'loading') {
    return (
      <div className="kl-center">
        <Spin size="large" />
      </div>
    );
  }
  if (status === 'error') {
    return (
      <Result
        status="warning"
        title={t('errors.serverUnreachable')}
        subTitle={error?.message}
        extra={<Button onClick={refresh}>{t('common.retry')}</Button>}
      />
    );
  }
  if (status === 'anonymous') {
    // A session that expired brings the user back here after log-in; a deliberate log-out starts afresh.
    if (loggedOut) return <Navigate to="/login" replace />;
    const next = `${location.pathname}${location.search}`;
    return <Navigate to={`/login?next=${encodeURIComponent(next)}`} replace />;
  }
  return <Outlet />;
}
