import { Button, Result } from 'antd';
import { useTranslation } from 'react-i18next';
import { useRouteError } from 'react-router-dom';

/** Last-resort boundary: a render error or a failed chunk load (e.g. after a deploy) offers a reload. */
export function RouteError() {
  const error = useRouteError();
  const { t } = useTranslation();
  return (
    <Result
      status="error"
      title={t('errors.unexpected')}
      subTitle={error instanceof Error ? error.message : undefined}
      extra={
        <Button type="primary" onClick={() => window.location.reload()}>
          {t('common.reload')}
        </Button>
      }
    />
  );
}
