import { Alert, App, Button, Result, Tabs, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router-dom';
import { ACCESS_REVIEW_ROLES } from '../../app/nav';
import { errorMessage } from '../../i18n/errors';
import { useCurrentUser } from '../auth/auth.resource';
import { afterReview, readStatus } from './access-review.logic';
import { useBreakGlassAccesses } from './access-review.resource';
import { REVIEW_STATUSES, type BreakGlassAccess, type ReviewOutcome } from './access-review.types';
import { AccessReviewTable } from './components/AccessReviewTable';
import { ReviewDialog } from './components/ReviewDialog';

/** 紧急访问审核: the institution administrator's review of break-the-glass accesses. */
export default function AccessReviewPage() {
  const { t } = useTranslation();
  const user = useCurrentUser();
  if (!ACCESS_REVIEW_ROLES.includes(user.role)) {
    return <Result status="403" title={t('accessReview.notForRole')} />;
  }
  return <AccessReview />;
}

function AccessReview() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [params, setParams] = useSearchParams();
  const status = readStatus(params.get('status'));
  const list = useBreakGlassAccesses(status);
  const [reviewing, setReviewing] = useState<{ access: BreakGlassAccess; outcome: ReviewOutcome } | null>(null);
  // The list as changed by a review just recorded, until the reload answers (tied to the data it was made from).
  const [local, setLocal] = useState<{ from: unknown; items: BreakGlassAccess[] } | null>(null);
  const items = local && local.from === list.data ? local.items : (list.data?.items ?? []);

  const setStatus = (key: string) => {
    const next = new URLSearchParams(params);
    if (key === 'pending') next.delete('status');
    else next.set('status', key);
    setParams(next, { replace: true });
  };

  const reviewed = (outcome: ReviewOutcome) => {
    if (!reviewing) return;
    setLocal({ from: list.data, items: afterReview(items, status, reviewing.access.id, outcome, new Date().toISOString()) });
    void message.success(t('accessReview.saved', { actor: reviewing.access.actorName, outcome: t(`accessReview.outcome.${outcome}`) }));
    setReviewing(null);
    list.reload();
  };

  const conflict = () => {
    void message.info(t('accessReview.alreadyReviewed'));
    setReviewing(null);
    list.reload();
  };

  return (
    <div className="kl-page kl-access-review-page" data-testid="access-review">
      <div className="kl-page-head">
        <Typography.Title level={4} className="kl-page-title">
          {t('accessReview.title')}
        </Typography.Title>
        <Typography.Text type="secondary">{t('accessReview.subtitle')}</Typography.Text>
        <span className="kl-grow" />
        <Button onClick={list.reload} loading={list.loading} data-testid="review-refresh">
          {t('common.refresh')}
        </Button>
      </div>

      <Tabs
        activeKey={status}
        onChange={setStatus}
        items={REVIEW_STATUSES.map((s) => ({
          key: s,
          label: (
            <span data-testid={`review-status-${s}`}>
              {t(`accessReview.status.${s}`)}
              {s === status && list.data && !list.loading && <span className="kl-count"> {items.length}</span>}
            </span>
          ),
        }))}
      />

      {list.error ? (
        <Alert
          type="error"
          showIcon
          title={errorMessage(t, list.error)}
          action={
            <Button size="small" onClick={list.reload}>
              {t('common.retry')}
            </Button>
          }
          data-testid="review-error"
        />
      ) : (
        <AccessReviewTable
          items={items}
          status={status}
          loading={list.loading}
          onReview={(access, outcome) => setReviewing({ access, outcome })}
        />
      )}

      {reviewing && (
        <ReviewDialog
          access={reviewing.access}
          initialOutcome={reviewing.outcome}
          onClose={() => setReviewing(null)}
          onReviewed={reviewed}
          onConflict={conflict}
        />
      )}
    </div>
  );
}
