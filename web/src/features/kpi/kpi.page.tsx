import {
  Alert,
  Button,
  Card,
  Collapse,
  DatePicker,
  Empty,
  Result,
  Segmented,
  Select,
  Skeleton,
  Space,
  Spin,
  Table,
  Typography,
} from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { Suspense, lazy, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router-dom';
import { errorMessage } from '../../i18n/errors';
import { useCurrentUser } from '../auth/auth.resource';
import { useInstitutions } from '../reference/reference.resource';
import { KpiCard, useDefinitionText } from './components/KpiCard';
import { DrillDownModal } from './components/DrillDownModal';
import { ReferralTimeCard } from '../referrals/ReferralTimeCard';
import {
  CHILD_LEVEL,
  barsFor,
  canDrill,
  countText,
  defaultIdFor,
  mayView,
  readKpiView,
  scopeOf,
  todayInChina,
  writeKpiView,
  type BarDatum,
  type KpiView,
} from './kpi.logic';
import { useKpiDictionary, useKpis } from './kpi.resource';
import { KPI_LEVELS, type DrillSet, type IndicatorDefinition, type KpiLevel } from './kpi.types';

/** ECharts in its own chunk, fetched when the first chart is drawn. */
const KpiChart = lazy(() => import('./components/KpiChart'));

const ADMIN_ROLES = ['commission_admin', 'insurance_admin'];

/** 绩效指标: region, institution, team and doctor KPIs for a period, with the breakdown one level down. */
export default function KpiPage() {
  const { t, i18n } = useTranslation();
  const user = useCurrentUser();
  const [params, setParams] = useSearchParams();
  const today = todayInChina();
  const view = readKpiView(params, user, today);
  const scope = scopeOf(view);
  const kpis = useKpis(scope);
  const dictionary = useKpiDictionary();
  const institutions = useInstitutions();
  const definitionText = useDefinitionText();
  const [drill, setDrill] = useState<{ code: string; set: DrillSet } | null>(null);
  const en = i18n.language === 'en';
  const isAdmin = ADMIN_ROLES.includes(user.role);

  // Filters replace the history entry; opening a unit from the chart adds one, so Back returns to the level above.
  const setView = (patch: Partial<KpiView>, push = false) =>
    setParams(writeKpiView({ ...view, ...patch }, user, today), { replace: !push });

  const data = kpis.data;
  const selected = data?.indicators.find((i) => i.code === view.indicator) ?? data?.indicators[0];
  const definitions = useMemo(() => new Map((dictionary.data?.items ?? []).map((d) => [d.code, d])), [dictionary.data]);

  // Units offered at each level: what the user may open.
  type UnitOption = { value: string; label: string } | { label: string; title: string; options: { value: string; label: string }[] };
  const unitOptions = useMemo((): UnitOption[] => {
    const items = institutions.data?.items ?? [];
    const name = (i: { name: string; nameEn: string }) => (en ? i.nameEn || i.name : i.name);
    if (view.level === 'institution') {
      return items.filter((i) => mayView(user, 'institution', i.id)).map((i) => ({ value: i.id, label: name(i) }));
    }
    if (view.level === 'team') {
      if (!isAdmin && user.role !== 'institution_admin') return user.teams.map((x) => ({ value: x.id, label: x.name }));
      return items
        .filter((i) => i.teams.length && (isAdmin || i.id === user.institutionId))
        .map((i) => ({ label: name(i), title: i.name, options: i.teams.map((x) => ({ value: x.id, label: x.name })) }));
    }
    if (view.level === 'doctor') {
      const opts: UnitOption[] = isAdmin || user.role === 'institution_admin' ? [] : [{ value: user.id, label: user.displayName }];
      if (view.id && view.id !== user.id) opts.push({ value: view.id, label: view.name ?? view.id });
      return opts;
    }
    return [];
  }, [institutions.data, view.level, view.id, view.name, user, isAdmin, en]);

  const unitName = (() => {
    if (view.level === 'region') return institutions.data?.region?.name ?? t('kpi.levels.region');
    if (view.level === 'doctor') return view.id === user.id ? user.displayName : (view.name ?? '');
    for (const i of institutions.data?.items ?? []) {
      if (view.level === 'institution' && i.id === view.id) return en ? i.nameEn || i.name : i.name;
      const team = i.teams.find((x) => x.id === view.id);
      if (team) return `${en ? i.nameEn || i.name : i.name} · ${team.name}`;
    }
    return view.name ?? '';
  })();

  const child = CHILD_LEVEL[view.level];
  const bars = data && selected ? barsFor(data.breakdown, selected.code) : [];
  const openBar = child
    ? (bar: BarDatum) => {
        if (!mayView(user, child, bar.id)) return;
        setView({ level: child, id: bar.id, name: bar.name }, true);
      }
    : undefined;
  const drillable = canDrill(user.role, view.level);

  const periodControl = (
    <Space size={8} wrap>
      <Segmented
        value={view.year === null ? 'range' : 'year'}
        onChange={(v) =>
          v === 'year' ? setView({ year: Number(today.slice(0, 4)) }) : setView({ year: null, from: view.from, to: view.to })
        }
        options={[
          { value: 'year', label: t('kpi.byYear') },
          { value: 'range', label: t('kpi.byRange') },
        ]}
      />
      {view.year !== null ? (
        <DatePicker
          picker="year"
          allowClear={false}
          value={dayjs(`${view.year}-01-01`)}
          disabledDate={(d: Dayjs) => d.year() > Number(today.slice(0, 4)) || d.year() < 2000}
          onChange={(d: Dayjs | null) => d && setView({ year: d.year() })}
          data-testid="kpi-year"
          aria-label={t('kpi.period')}
        />
      ) : (
        <DatePicker.RangePicker
          allowClear={false}
          value={[dayjs(view.from), dayjs(view.to)]}
          disabledDate={(d: Dayjs) => d.isAfter(dayjs(today), 'day')}
          onChange={(range) => {
            const [a, b] = range ?? [];
            if (a && b) setView({ year: null, from: a.format('YYYY-MM-DD'), to: b.format('YYYY-MM-DD') });
          }}
          aria-label={t('kpi.period')}
        />
      )}
    </Space>
  );

  const levelControl = (
    <Space size={8} wrap>
      <Segmented
        value={view.level}
        onChange={(level) => {
          const l = level as KpiLevel;
          setView({ level: l, id: defaultIdFor(l, user), name: null });
        }}
        options={KPI_LEVELS.map((l) => ({ value: l, label: <span data-testid={`kpi-level-${l}`}>{t(`kpi.levels.${l}`)}</span> }))}
      />
      {view.level !== 'region' && (
        <Select
          showSearch
          optionFilterProp="label"
          style={{ minWidth: 220 }}
          placeholder={t(`kpi.choose.${view.level}`)}
          value={view.id ?? undefined}
          onChange={(id: string) => setView({ id, name: null })}
          options={unitOptions}
          loading={institutions.loading}
          notFoundContent={view.level === 'doctor' ? t('kpi.doctorHint') : undefined}
          data-testid="kpi-unit"
          aria-label={t(`kpi.choose.${view.level}`)}
        />
      )}
    </Space>
  );

  const dictionaryColumns = [
    {
      title: t('kpi.indicator'),
      dataIndex: 'code',
      width: 200,
      render: (_: string, d: IndicatorDefinition) => <strong>{en ? d.nameEn : d.nameZh}</strong>,
    },
    {
      title: t('kpi.numerator'),
      dataIndex: 'numerator',
      render: (_: string, d: IndicatorDefinition) => definitionText(d, d.code, 'numerator'),
    },
    {
      title: t('kpi.denominator'),
      dataIndex: 'denominator',
      render: (_: string, d: IndicatorDefinition) => definitionText(d, d.code, 'denominator'),
    },
    {
      title: t('kpi.targetCol'),
      dataIndex: 'target',
      width: 90,
      render: (v: number | null) => (v === null ? <span className="kl-muted">—</span> : `≥${Math.round(v * 100)}%`),
    },
  ];

  return (
    <div className="kl-page kl-kpi-page">
      <div className="kl-page-head">
        <Typography.Title level={4} className="kl-page-title">
          {t('kpi.title')}
        </Typography.Title>
        <Typography.Text type="secondary" data-testid="kpi-unit-name">
          {unitName}
          {data && ` · ${data.period.from} ~ ${data.period.to}`}
        </Typography.Text>
      </div>

      <div className="kl-toolbar" data-testid="kpi-filters">
        {periodControl}
        <span className="kl-toolbar-sep" />
        {levelControl}
      </div>

      {!scope ? (
        <Alert type="info" showIcon title={view.level === 'doctor' ? t('kpi.doctorHint') : t(`kpi.choose.${view.level}`)} />
      ) : kpis.error?.status === 403 ? (
        <Result
          status="403"
          title={t('kpi.forbidden')}
          subTitle={t('kpi.forbiddenHint')}
          extra={
            <Button type="primary" onClick={() => setParams(new URLSearchParams(), { replace: true })}>
              {t('kpi.backToMine')}
            </Button>
          }
          data-testid="kpi-forbidden"
        />
      ) : kpis.error ? (
        <Alert
          type="error"
          showIcon
          title={errorMessage(t, kpis.error)}
          action={
            <Button size="small" onClick={kpis.reload}>
              {t('common.retry')}
            </Button>
          }
        />
      ) : !data ? (
        <Card size="small">
          <Skeleton active paragraph={{ rows: 6 }} />
        </Card>
      ) : (
        <Spin spinning={kpis.loading} delay={200}>
          <ReferralTimeCard scope={scope} />
          <div className="kl-kpi-grid" data-testid="kpi-cards">
            {data.indicators.map((v) => (
              <KpiCard
                key={v.code}
                value={v}
                definition={definitions.get(v.code)}
                selected={v.code === selected?.code}
                onSelect={() => setView({ indicator: v.code })}
                onDrill={drillable ? (set) => setDrill({ code: v.code, set }) : undefined}
              />
            ))}
          </div>

          {selected && (
            <Card
              size="small"
              className="kl-block-top kl-kpi-chart-card"
              title={
                <span>
                  {en ? selected.nameEn : selected.nameZh}
                  <span className="kl-muted kl-small">
                    {' '}
                    · {child ? t('kpi.breakdownBy', { level: t(`kpi.levels.${data.breakdownLevel}`) }) : t('kpi.noBreakdown')}
                  </span>
                </span>
              }
              extra={child && bars.length > 0 && openBar ? <span className="kl-muted kl-small">{t('kpi.clickBar')}</span> : null}
            >
              <div className="kl-kpi-chart" data-testid="kpi-chart">
                {bars.length === 0 ? (
                  <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={child ? t('kpi.noBreakdownData') : t('kpi.noBreakdownDoctor')} />
                ) : (
                  <Suspense fallback={<Skeleton.Node active style={{ width: '100%', height: 320 }} />}>
                    <KpiChart
                      bars={bars}
                      target={selected.target}
                      onSelect={openBar}
                      labels={{
                        rate: t('kpi.rate'),
                        target: t('kpi.targetShort'),
                        noData: t('kpi.noDenominator'),
                        fraction: (n, d) => t('kpi.fraction', { numerator: countText(n), denominator: countText(d) }),
                      }}
                    />
                  </Suspense>
                )}
              </div>
            </Card>
          )}
        </Spin>
      )}

      <Collapse
        className="kl-block-top"
        size="small"
        items={[
          {
            key: 'dictionary',
            label: t('kpi.dictionaryTitle'),
            children: (
              <Table<IndicatorDefinition>
                size="small"
                rowKey="code"
                pagination={false}
                loading={dictionary.loading}
                dataSource={dictionary.data?.items ?? []}
                columns={dictionaryColumns}
                data-testid="kpi-dictionary"
              />
            ),
          },
        ]}
      />

      {drill && scope && data && data.indicators.find((i) => i.code === drill.code) && (
        <DrillDownModal
          scope={scope}
          indicator={data.indicators.find((i) => i.code === drill.code)!}
          set={drill.set}
          onSetChange={(set) => setDrill({ ...drill, set })}
          onClose={() => setDrill(null)}
        />
      )}
    </div>
  );
}
