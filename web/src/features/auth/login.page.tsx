import { Alert, Button, Card, Form, Input, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { Navigate, useNavigate, useSearchParams } from 'react-router-dom';
import { LanguageSwitch } from '../../app/LanguageSwitch';
import { errorMessage } from '../../i18n/errors';
import { homePathFor } from '../../app/nav';
import { safeNext, useAuth, useLogin } from './auth.resource';

interface LoginForm {
  username: string;
  password: string;
}

export default function LoginPage() {
  const { t } = useTranslation();
  const { status, user } = useAuth();
  const login = useLogin();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const next = safeNext(params.get('next'));

  if (status === 'authenticated' && user && !login.pending) {
    return <Navigate to={next ?? homePathFor(user) ?? '/'} replace />;
  }

  const onFinish = async (values: LoginForm) => {
    try {
      const me = await login.run({ username: values.username.trim(), password: values.password });
      navigate(next ?? homePathFor(me) ?? '/', { replace: true });
    } catch {
      // shown from login.error
    }
  };

  return (
    <div className="kl-login">
      <div className="kl-login-top">
        <LanguageSwitch />
      </div>
      <div className="kl-login-panel">
        <div className="kl-login-brand">
          <div className="kl-login-logo" aria-hidden>
            +
          </div>
          <Typography.Title level={2} className="kl-login-title">
            {t('app.name')}
          </Typography.Title>
          <Typography.Paragraph className="kl-login-subtitle">{t('app.fullName')}</Typography.Paragraph>
          <Typography.Paragraph className="kl-login-motto">{t('login.motto')}</Typography.Paragraph>
        </div>
        <Card className="kl-login-card" variant="borderless">
          <Typography.Title level={4} style={{ marginTop: 0 }}>
            {t('login.title')}
          </Typography.Title>
          {login.error && (
            <Alert
              type="error"
              showIcon
              className="kl-login-error"
              data-testid="login-error"
              title={errorMessage(t, login.error)}
            />
          )}
          <Form<LoginForm> layout="vertical" requiredMark={false} onFinish={onFinish} disabled={login.pending} size="large">
            <Form.Item name="username" label={t('login.username')} rules={[{ required: true, message: t('login.usernameRequired') }]}>
              <Input autoFocus autoComplete="username" data-testid="login-username" placeholder={t('login.usernamePlaceholder')} />
            </Form.Item>
            <Form.Item name="password" label={t('login.password')} rules={[{ required: true, message: t('login.passwordRequired') }]}>
              <Input.Password autoComplete="current-password" data-testid="login-password" />
            </Form.Item>
            <Button type="primary" htmlType="submit" block loading={login.pending} data-testid="login-submit">
              {t('login.submit')}
            </Button>
          </Form>
          <Typography.Paragraph type="secondary" className="kl-login-note">
            {t('login.auditNote')}
          </Typography.Paragraph>
        </Card>
      </div>
    </div>
  );
}
