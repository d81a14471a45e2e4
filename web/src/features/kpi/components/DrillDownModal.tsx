import { Alert, Modal, Segmented, Table, type TableColumnsType } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { errorMessage } from '../../../i18n/errors';
import { ageOn, formatDate } from '../../../lib/format';
import { useKpiResidents } from '../kpi.resource';
import type { DrillResident, DrillSet, IndicatorValue, KpiScope } from '../kpi.types';

interface Props {
  scope: KpiScope;
  indicator: IndicatorValue;
  set: DrillSet;
  onSetChange: (set: DrillSet) => void;
  onClose: () => void;
}

const SETS: DrillSet[] = ['gap', 'numerator', 'denominator'];

/** The residents behind a number (team or doctor level, care team only), with links to their records. */
export function DrillDownModal({ scope, indicator, set, onSetChange, onClose }: Props) {
  const { t, i18n } = useTranslation();
  const residents = useKpiResidents(scope, indicator.code, set);
  const name = i18n.language === 'en' ? indicator.nameEn : indicator.nameZh;
  const counts: Record<DrillSet, number> = {
    numerator: indicator.numerator ?? 0,
    denominator: indicator.denominator ?? 0,
    gap: (indicator.denominator ?? 0) - (indicator.numerator ?? 0),
  };

  const columns: TableColumnsType<DrillResident> = [
    {
      title: t('resident.name'),
      dataIndex: 'name',
      width: 110,
      render: (v: string, r) => (
        <Link to={`/residents/${r.id}`} className="kl-strong-link" data-testid="kpi-drill-resident">
          {v}
        </Link>
      ),
    },
    { title: t('resident.sex'), dataIndex: 'sex', width: 64, render: (v: string) => t(`sex.${v}`, { defaultValue: v }) },
    {
      title: t('resident.age'),
      dataIndex: 'birthDate',
      width: 120,
      render: (v: string) => (
        <span title={formatDate(v)}>
          {t('common.ageYears', { count: ageOn(v) ?? 0 })} <span className="kl-muted kl-small">{formatDate(v)}</span>
        </span>
      ),
    },
    {
      title: t('resident.nationalId'),
      dataIndex: 'nationalIdMasked',
      render: (v: string | null) => (v ? <span className="kl-mono">{v}</span> : <span className="kl-muted">—</span>),
    },
    { title: t('kpi.units'), dataIndex: 'units', width: 80, align: 'right' },
  ];

  return (
    <Modal open title={name} onCancel={onClose} footer={null} width={760} destroyOnHidden>
      <div data-testid="kpi-drill">
        <Segmented
          value={set}
          onChange={(v) => onSetChange(v as DrillSet)}
          options={SETS.map((s) => ({ value: s, label: `${t(`kpi.drill.${s}`)} (${counts[s]})` }))}
          className="kl-block"
        />
        {residents.error ? (
          <Alert
            type={residents.error.status === 403 ? 'warning' : 'error'}
            showIcon
            title={residents.error.status === 403 ? t('kpi.drillForbidden') : errorMessage(t, residents.error)}
          />
        ) : (
          <Table<DrillResident>
            size="small"
            rowKey="id"
            columns={columns}
            dataSource={residents.data?.items ?? []}
            loading={residents.loading}
            pagination={{ pageSize: 15, size: 'small', hideOnSinglePage: true, showSizeChanger: false }}
            tableLayout="fixed"
          />
        )}
        {residents.data && residents.data.items.length >= 500 && (
          <div className="kl-muted kl-small">{t('kpi.drillTruncated', { limit: 500 })}</div>
        )}
      </div>
    </Modal>
  );
}
