import { Button, Empty, Popconfirm, Table, Tag, Tooltip, type TableColumnsType } from 'antd';
import type { HTMLAttributes, KeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { formatDate } from '../../../lib/format';
import { RiskBadge } from '../../residents/components/tags';
import { completable, takesFollowUp } from '../worklist.logic';
import type { Priority, WorklistBucket, WorklistItem } from '../worklist.types';

const PRIORITY_COLOURS: Record<Priority, string> = { urgent: 'red', high: 'orange', normal: 'default' };
const PROGRAMME_COLOURS: Record<string, string> = {
  hypertension: 'volcano',
  diabetes: 'purple',
  elderly: 'gold',
  child: 'cyan',
  maternal: 'magenta',
  screening: 'blue',
  referral: 'geekblue',
};

function focusRow(from: HTMLElement, delta: number) {
  const rows = [...(from.closest('tbody')?.querySelectorAll<HTMLElement>('tr[data-row-key]') ?? [])];
  const i = rows.indexOf(from);
  rows[Math.max(0, Math.min(i + delta, rows.length - 1))]?.focus();
}

interface Props {
  items: WorklistItem[];
  bucket: WorklistBucket;
  loading: boolean;
  language: string;
  onFollowUp: (item: WorklistItem) => void;
  /** Marks a scheduled key-population visit done today (child, maternal, elderly). */
  onComplete: (item: WorklistItem) => void;
  /** Records the screening a recheck task asks for. */
  onScreen: (item: WorklistItem) => void;
  /** Id of the task being completed, if any. */
  completing: string | null;
  /** Enter on a row: the follow-up form when the row takes one, else the record. */
  onActivate: (item: WorklistItem) => void;
}

export function WorklistTable({ items, bucket, loading, language, onFollowUp, onComplete, onScreen, completing, onActivate }: Props) {
  const { t } = useTranslation();
  const en = language === 'en';

  const columns: TableColumnsType<WorklistItem> = [
    {
      title: t('worklist.cols.resident'),
      dataIndex: 'residentName',
      width: 96,
      fixed: 'left',
      render: (_, r) => (
        <Link to={`/residents/${r.residentId}`} className="kl-strong-link" onClick={(e) => e.stopPropagation()} tabIndex={-1}>
          {r.residentName}
        </Link>
      ),
    },
    {
      title: t('worklist.cols.sexAge'),
      key: 'sexAge',
      width: en ? 116 : 90,
      render: (_, r) => (
        <span className="kl-nowrap">
          {t(`sex.${r.sex}`, { defaultValue: r.sex })} · {t('common.ageYears', { count: r.age })}
        </span>
      ),
    },
    {
      title: t('worklist.cols.programme'),
      dataIndex: 'programme',
      width: en ? 108 : 92,
      render: (p: string) => (
        <Tag color={PROGRAMME_COLOURS[p] ?? 'default'} className="kl-tag-tight">
          {t(`worklist.programmes.${p}`, { defaultValue: p })}
        </Tag>
      ),
    },
    {
      title: t('worklist.cols.task'),
      dataIndex: 'label',
      ellipsis: { showTitle: false },
      render: (_, r) => {
        const label = en ? r.labelEn : r.label;
        // A task's reason is the classification of the visit that opened it; a referral's is its free-text reason.
        const reason = !r.reason
          ? null
          : r.kind === 'referral'
            ? r.reason
            : takesFollowUp(r)
              ? t('worklist.lastResult', { result: t(`classification.${r.reason}`, { defaultValue: r.reason }) })
              : t(`classification.${r.reason}`, { defaultValue: r.reason });
        if (r.kind === 'referral') {
          // Referred back: the referral, and its discharge calendar (or the results notice) below it.
          return (
            <div className="kl-referral-back" style={{ whiteSpace: 'normal' }}>
              <Link to={`/referrals/${r.id}`} onClick={(e) => e.stopPropagation()} data-testid="worklist-referral-link">
                {label}
              </Link>
              {reason && <span className="kl-muted kl-small"> · {reason}</span>}
              {r.tasks.map((task) => (
                <div key={task.id} className="kl-small" data-testid="worklist-discharge-task" data-due={task.dueDate} data-window-end={task.windowEnd} data-status={task.status}>
                  {task.status === 'done' ? '✓' : '○'} {en ? task.labelEn : task.label} · {formatDate(task.dueDate)}–{formatDate(task.windowEnd)}
                </div>
              ))}
            </div>
          );
        }
        return (
          <Tooltip title={reason ? `${label} · ${reason}` : label} placement="topLeft">
            <span>
              {label}
              {reason && <span className="kl-muted kl-small"> · {reason}</span>}
            </span>
          </Tooltip>
        );
      },
    },
    {
      title: (
        <Tooltip title={t('worklist.cols.dueHint')}>
          <span>{t('worklist.cols.due')}</span>
        </Tooltip>
      ),
      key: 'due',
      width: 190,
      render: (_, r) =>
        r.kind === 'referral' || r.dueDate === r.windowEnd ? (
          <span className="kl-mono" data-testid="worklist-deadline" data-window-end={r.windowEnd}>
            <strong>{formatDate(r.windowEnd)}</strong>
          </span>
        ) : (
          <span className="kl-mono kl-nowrap" data-testid="worklist-deadline" data-window-end={r.windowEnd}>
            {formatDate(r.dueDate)} <span className="kl-muted">→</span> <strong>{formatDate(r.windowEnd)}</strong>
          </span>
        ),
    },
    {
      title: t('worklist.cols.overdue'),
      dataIndex: 'daysOverdue',
      width: en ? 84 : 72,
      align: 'right',
      render: (d: number) =>
        d > 0 ? (
          <span className="kl-overdue" data-testid="worklist-days-overdue">
            {t('worklist.days', { count: d })}
          </span>
        ) : (
          <span className="kl-muted">—</span>
        ),
    },
    {
      title: t('worklist.cols.priority'),
      dataIndex: 'priority',
      width: en ? 80 : 72,
      render: (p: Priority) => (
        <Tag color={PRIORITY_COLOURS[p]} className="kl-tag-tight">
          {t(`worklist.priority.${p}`)}
        </Tag>
      ),
    },
    {
      title: t('worklist.cols.risk'),
      dataIndex: 'riskColour',
      width: 84,
      render: (_, r) => {
        if (!r.riskColour) return <span className="kl-muted">—</span>;
        const reason = en ? (r.riskReasonEn ?? r.riskReason) : (r.riskReason ?? r.riskReasonEn);
        return <RiskBadge colour={r.riskColour} rule={reason ?? r.riskRule} />;
      },
    },
    {
      title: t('worklist.cols.lastVisit'),
      dataIndex: 'lastVisitDate',
      width: 104,
      render: (v: string | null) => (v ? <span className="kl-mono">{formatDate(v)}</span> : <span className="kl-muted">—</span>),
    },
    {
      title: t('worklist.cols.assignee'),
      dataIndex: 'assigneeName',
      width: 84,
      ellipsis: true,
      render: (v: string | null) => v ?? <span className="kl-muted">—</span>,
    },
    {
      title: t('worklist.cols.action'),
      key: 'action',
      width: en ? 104 : 80,
      fixed: 'right',
      className: 'kl-no-print',
      render: (_, r) =>
        takesFollowUp(r) ? (
          <Button
            size="small"
            type="primary"
            ghost
            tabIndex={-1}
            data-testid="worklist-followup"
            onClick={(e) => {
              e.stopPropagation();
              onFollowUp(r);
            }}
          >
            {t('worklist.followUp')}
          </Button>
        ) : r.kind === 'task' && r.programme === 'screening' ? (
          <Button
            size="small"
            tabIndex={-1}
            data-testid="worklist-screen"
            onClick={(e) => {
              e.stopPropagation();
              onScreen(r);
            }}
          >
            {t('worklist.screen')}
          </Button>
        ) : completable(r) ? (
          <Popconfirm
            title={t('worklist.completeTitle', { task: en ? r.labelEn : r.label, name: r.residentName })}
            description={t('worklist.completeHint')}
            okText={t('worklist.complete')}
            cancelText={t('common.cancel')}
            onConfirm={() => onComplete(r)}
          >
            <Button
              size="small"
              tabIndex={-1}
              loading={completing === r.id}
              data-testid="worklist-complete"
              onClick={(e) => e.stopPropagation()}
            >
              {t('worklist.complete')}
            </Button>
          </Popconfirm>
        ) : null,
    },
  ];

  return (
    <div className="kl-results kl-worklist" data-testid="worklist-table" data-loading={loading ? 'true' : 'false'} data-bucket={bucket}>
      <Table<WorklistItem>
        size="small"
        rowKey="id"
        columns={columns}
        dataSource={items}
        loading={loading}
        pagination={false}
        tableLayout="fixed"
        scroll={{ x: en ? 1220 : 1100 }}
        rowClassName={(r) => `kl-row-link${r.daysOverdue > 0 ? ' kl-row-overdue' : ''}${r.priority === 'urgent' ? ' kl-row-urgent' : ''}`}
        locale={{
          emptyText: loading ? ' ' : <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t(`worklist.empty.${bucket}`)} />,
        }}
        onRow={(record) =>
          ({
            tabIndex: 0,
            'data-testid': 'worklist-row',
            'data-resident-name': record.residentName,
            'data-resident-id': record.residentId,
            onDoubleClick: () => onActivate(record),
            onKeyDown: (e: KeyboardEvent<HTMLElement>) => {
              if (e.target !== e.currentTarget) return;
              if (e.key === 'Enter') {
                e.preventDefault();
                onActivate(record);
              } else if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
                e.preventDefault();
                focusRow(e.currentTarget, e.key === 'ArrowDown' ? 1 : -1);
              }
            },
          }) as HTMLAttributes<HTMLElement>
        }
      />
    </div>
  );
}
