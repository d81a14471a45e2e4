import { Button, Empty, Space, Table, Tag, Tooltip, type TableColumnsType } from 'antd';
import type { HTMLAttributes } from 'react';
import { useTranslation } from 'react-i18next';
import { formatDateTime, maskNationalId } from '../../../lib/format';
import { accessState, sideOf } from '../access-review.logic';
import type { BreakGlassAccess, ReviewOutcome, ReviewStatus } from '../access-review.types';

const OUTCOME_COLOURS: Record<ReviewOutcome, string> = { justified: 'green', unjustified: 'red' };

interface Props {
  items: readonly BreakGlassAccess[];
  status: ReviewStatus;
  loading: boolean;
  onReview: (access: BreakGlassAccess, outcome: ReviewOutcome) => void;
}

const Muted = () => <span className="kl-muted">—</span>;

/** One row per break-the-glass access: when, who (and from where), whose record, why, and the judgement. */
export function AccessReviewTable({ items, status, loading, onReview }: Props) {
  const { t } = useTranslation();
  // Older servers list only the administrator's own staff and say nothing of the side: no column then.
  const showSide = items.some((i) => sideOf(i) !== null);

  const columns: TableColumnsType<BreakGlassAccess> = [
    {
      title: t('accessReview.cols.time'),
      dataIndex: 'createdAt',
      width: 170,
      render: (_, a) => {
        const state = accessState(a);
        return (
          <div>
            <div className="kl-mono">{formatDateTime(a.createdAt)}</div>
            {state === 'active' && (
              <Tag color="volcano" className="kl-tag-tight" data-testid="review-access-active">
                {t('accessReview.activeUntil', { until: formatDateTime(a.expiresAt) })}
              </Tag>
            )}
            {state === 'ended' && (
              <span className="kl-muted kl-small">{t('accessReview.endedAt', { at: formatDateTime(a.expiresAt) })}</span>
            )}
          </div>
        );
      },
    },
    {
      title: t('accessReview.cols.actor'),
      key: 'actor',
      width: 190,
      render: (_, a) => (
        <div>
          <strong>{a.actorName}</strong>
          <span className="kl-muted"> · {t(`roles.${a.actorRole}`, { defaultValue: a.actorRole })}</span>
          {a.actorInstitutionName && <div className="kl-muted kl-small">{a.actorInstitutionName}</div>}
        </div>
      ),
    },
    {
      title: t('accessReview.cols.resident'),
      key: 'resident',
      width: 200,
      render: (_, a) => (
        <div>
          {a.residentIdMasked ? <span className="kl-mono">{maskNationalId(a.residentIdMasked)}</span> : <Muted />}
          {a.residentInstitutionName && <div className="kl-muted kl-small">{a.residentInstitutionName}</div>}
        </div>
      ),
    },
    ...(showSide
      ? [
          {
            title: t('accessReview.cols.side'),
            key: 'side',
            width: 130,
            render: (_: unknown, a: BreakGlassAccess) => {
              const side = sideOf(a);
              return side ? (
                <Tooltip title={t(`accessReview.sideHint.${side}`)}>
                  <Tag color={side === 'accessor' ? 'blue' : 'purple'} className="kl-tag-tight" data-testid="review-side">
                    {t(`accessReview.side.${side}`)}
                  </Tag>
                </Tooltip>
              ) : (
                <Muted />
              );
            },
          },
        ]
      : []),
    {
      title: t('accessReview.cols.reason'),
      key: 'reason',
      render: (_, a) => (
        <div className="kl-review-reason">
          <div data-testid="review-reason">{a.reason}</div>
          {a.emergencyNote && (
            <div className="kl-muted kl-small" data-testid="review-emergency-note">
              {t('accessReview.cols.emergencyNote')}：{a.emergencyNote}
            </div>
          )}
        </div>
      ),
    },
    {
      title: t('accessReview.cols.outcome'),
      key: 'outcome',
      width: 190,
      render: (_, a) =>
        a.reviewOutcome ? (
          <div data-testid="review-result" data-outcome={a.reviewOutcome}>
            <Tag color={OUTCOME_COLOURS[a.reviewOutcome]} className="kl-tag-tight">
              {t(`accessReview.outcome.${a.reviewOutcome}`)}
            </Tag>
            {a.reviewedAt && <div className="kl-muted kl-small">{t('accessReview.reviewedAt', { at: formatDateTime(a.reviewedAt) })}</div>}
          </div>
        ) : (
          <Space size={4}>
            <Button size="small" type="primary" ghost onClick={() => onReview(a, 'justified')} data-testid="review-justified">
              {t('accessReview.outcome.justified')}
            </Button>
            <Button size="small" danger onClick={() => onReview(a, 'unjustified')} data-testid="review-unjustified">
              {t('accessReview.outcome.unjustified')}
            </Button>
          </Space>
        ),
    },
  ];

  return (
    <div data-testid="review-table" data-loading={loading ? 'true' : 'false'} data-status={status}>
      <Table<BreakGlassAccess>
        size="small"
        rowKey="id"
        columns={columns}
        dataSource={items as BreakGlassAccess[]}
        loading={loading}
        tableLayout="fixed"
        scroll={{ x: 1080 }}
        pagination={{ pageSize: 50, hideOnSinglePage: true, size: 'small', showSizeChanger: false }}
        locale={{
          emptyText: loading ? ' ' : <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t(`accessReview.empty.${status}`)} />,
        }}
        onRow={(a) => ({ 'data-testid': 'review-row', 'data-id': a.id }) as HTMLAttributes<HTMLElement>}
      />
    </div>
  );
}
