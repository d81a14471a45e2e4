import { Alert, Button, Table, Tag, type TableColumnsType } from 'antd';
import { useTranslation } from 'react-i18next';
import { errorMessage } from '../../../i18n/errors';
import { formatDateTime } from '../../../lib/format';
import { useResidentAccessLog } from '../residents.resource';
import type { AccessLogEntry } from '../residents.types';

const OUTCOME_COLOURS: Record<AccessLogEntry['outcome'], string> = { success: 'green', denied: 'red', error: 'orange' };

/** 访问记录: who opened this record, when, on what basis and why (the resident can see this too). */
export function AccessLogTab({ residentId }: { residentId: string }) {
  const { t } = useTranslation();
  const log = useResidentAccessLog(residentId, true);

  if (log.error) {
    return (
      <Alert
        type={log.error.status === 403 ? 'info' : 'error'}
        showIcon
        title={errorMessage(t, log.error)}
        action={
          <Button size="small" onClick={log.reload}>
            {t('common.retry')}
          </Button>
        }
      />
    );
  }

  const columns: TableColumnsType<AccessLogEntry> = [
    { title: t('accessLog.time'), dataIndex: 'occurredAt', width: 150, render: (v: string) => <span className="kl-mono">{formatDateTime(v)}</span> },
    { title: t('accessLog.actor'), dataIndex: 'actorName', width: 110, render: (v: string | null) => v ?? <span className="kl-muted">—</span> },
    {
      title: t('accessLog.role'),
      dataIndex: 'actorRole',
      width: 110,
      render: (v: string | null) => (v ? t(`roles.${v}`, { defaultValue: v }) : <span className="kl-muted">—</span>),
    },
    { title: t('accessLog.institution'), dataIndex: 'institutionName', ellipsis: true, render: (v: string | null) => v ?? <span className="kl-muted">—</span> },
    {
      title: t('accessLog.action'),
      dataIndex: 'action',
      width: 170,
      render: (v: string, r) => (
        <>
          {t(`auditAction.${v}`, { defaultValue: v })}
          {r.resource && <span className="kl-muted"> · {t(`auditResource.${r.resource}`, { defaultValue: r.resource })}</span>}
        </>
      ),
    },
    {
      title: t('accessLog.basis'),
      dataIndex: 'accessBasis',
      width: 110,
      render: (v: string | null) => (v ? t(`access.${v}`, { defaultValue: v }) : <span className="kl-muted">—</span>),
    },
    { title: t('accessLog.reason'), dataIndex: 'reason', ellipsis: true, render: (v: string | null) => v ?? <span className="kl-muted">—</span> },
    {
      title: t('accessLog.outcome'),
      dataIndex: 'outcome',
      width: 90,
      render: (v: AccessLogEntry['outcome']) => <Tag color={OUTCOME_COLOURS[v] ?? 'default'}>{t(`accessLog.outcomes.${v}`, { defaultValue: v })}</Tag>,
    },
  ];

  return (
    <div data-testid="access-log">
      <Table<AccessLogEntry>
        size="small"
        rowKey={(r) => `${r.occurredAt}:${r.action}:${r.resource ?? ''}:${r.actorName ?? ''}:${r.outcome}`}
        columns={columns}
        dataSource={log.data?.items ?? []}
        loading={log.loading}
        tableLayout="fixed"
        scroll={{ x: 900 }}
        pagination={{ pageSize: 20, hideOnSinglePage: true, size: 'small', showSizeChanger: false }}
      />
    </div>
  );
}
