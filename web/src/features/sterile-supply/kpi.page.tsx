import { Card, DatePicker, Space, Table, Typography } from 'antd';
import dayjs from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { monthsBefore, pct } from './sterile-supply.logic';
import { useSupplyKpis } from './sterile-supply.resource';
import type { Fraction, SupplyKpiRow } from './sterile-supply.types';

/** 消毒供应指标: pass rate, on-time delivery, discrepancy rate, packs expired unused, recalls — per centre and month. */
export default function SupplyKpiPage() {
  const { t } = useTranslation();
  const thisMonth = dayjs().format('YYYY-MM');
  const [range, setRange] = useState({ from: monthsBefore(thisMonth, 1), to: thisMonth });
  const kpi = useSupplyKpis(range);
  const frac = (f: Fraction | null) => (f ? <span title={`${f.numerator}/${f.denominator}`}>{pct(f)}</span> : '—');
  return (
    <div className="kl-page kl-ss-page">
      <div className="kl-page-head">
        <Typography.Title level={3} className="kl-page-title">
          {t('sterileSupply.kpi.title')}
        </Typography.Title>
        <DatePicker.RangePicker
          picker="month"
          value={[dayjs(`${range.from}-01`), dayjs(`${range.to}-01`)]}
          onChange={(v) => v?.[0] && v[1] && setRange({ from: v[0].format('YYYY-MM'), to: v[1].format('YYYY-MM') })}
          allowClear={false}
        />
      </div>
      <Card size="small">
        <Space direction="vertical" style={{ width: '100%' }}>
          <Typography.Text type="secondary">{t('sterileSupply.kpi.definitions', { grace: kpi.data?.onTimeGraceMinutes ?? 30 })}</Typography.Text>
          <Table<SupplyKpiRow>
            size="small"
            loading={kpi.loading}
            rowKey={(r) => `${r.month}|${r.centreId ?? 'dept'}`}
            dataSource={kpi.data?.rows ?? []}
            pagination={false}
            scroll={{ x: true }}
            data-testid="supply-kpi-table"
            columns={[
              { title: t('sterileSupply.kpi.month'), dataIndex: 'month' },
              { title: t('sterileSupply.cols.centre'), render: (_, r) => (r.centreId ? r.centreName : <strong>{t('sterileSupply.kpi.department')}</strong>) },
              { title: t('sterileSupply.kpi.passRate'), render: (_, r) => frac(r.passRate) },
              { title: t('sterileSupply.kpi.onTime'), render: (_, r) => frac(r.onTimeDelivery) },
              { title: t('sterileSupply.kpi.discrepancy'), render: (_, r) => frac(r.discrepancyRate) },
              { title: t('sterileSupply.kpi.expiredUnused'), dataIndex: 'expiredUnused' },
              { title: t('sterileSupply.kpi.recalledPacks'), dataIndex: 'recalledPacks' },
              { title: t('sterileSupply.kpi.recalls'), dataIndex: 'recalls' },
            ]}
          />
        </Space>
      </Card>
    </div>
  );
}
