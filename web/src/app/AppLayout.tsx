import { Button, Layout, Menu, Space, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link, Outlet, useLocation, useNavigate } from 'react-router-dom';
import { useCurrentUser, useLogout } from '../features/auth/auth.resource';
import { LanguageSwitch } from './LanguageSwitch';
import { activeNavPath, navItemsFor } from './nav';

const { Header, Content } = Layout;

export function AppLayout() {
  const { t } = useTranslation();
  const user = useCurrentUser();
  const logout = useLogout();
  const navigate = useNavigate();
  const location = useLocation();
  const items = navItemsFor(user.role);
  const active = activeNavPath(location.pathname, items);

  const onLogout = async () => {
    await logout.run(undefined).catch(() => undefined);
    // Leave the record on screen for no one: clear history state and land on a clean log-in page.
    navigate('/login', { replace: true });
  };

  return (
    <Layout className="kl-shell">
      <Header className="kl-header">
        <Link to="/" className="kl-brand" aria-label={t('app.name')}>
          <span className="kl-brand-mark" aria-hidden>
            +
          </span>
          <span className="kl-brand-name">{t('app.name')}</span>
          <span className="kl-brand-sub">{t('app.tagline')}</span>
        </Link>
        <Menu
          className="kl-nav"
          mode="horizontal"
          theme="dark"
          selectedKeys={active ? [active] : []}
          items={items.map((item) => ({ key: item.path, label: <Link to={item.path}>{t(item.labelKey)}</Link> }))}
        />
        <Space size={4} align="center" className="kl-header-right">
          <span className="kl-user" data-testid="current-user">
            <Typography.Text strong className="kl-user-name">
              {user.displayName}
            </Typography.Text>
            <span className="kl-user-meta">
              {t(`roles.${user.role}`)}
              {user.institutionName ? ` · ${user.institutionName}` : ''}
            </span>
          </span>
          <LanguageSwitch className="kl-header-btn" />
          <Button size="small" type="text" className="kl-header-btn" onClick={onLogout} loading={logout.pending} data-testid="logout">
            {t('header.logout')}
          </Button>
        </Space>
      </Header>
      <Content className="kl-content">
        <Outlet />
      </Content>
    </Layout>
  );
}
