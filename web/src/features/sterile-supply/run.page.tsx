import { Alert, Button, Card, Empty, List, Result, Space, Spin, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router-dom';
import { errorMessage } from '../../i18n/errors';
import { useRun, useRuns } from './sterile-supply.resource';
import { StopChecklist } from './components/StopChecklist';

const todayCst = () => new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);

/** 下收下送: the run nurse's phone view — today's run, its stops in route order, one stop's checklist. */
export default function SupplyRunPage() {
  const { t } = useTranslation();
  const [params, setParams] = useSearchParams();
  const today = todayCst();
  const runs = useRuns({ from: today, to: today });
  const runId = params.get('run') ?? (runs.data?.items.length === 1 ? runs.data.items[0]!.id : null);
  const run = useRun(runId);
  const stopId = params.get('stop');
  const stop = run.data?.stops.find((s) => s.id === stopId) ?? null;

  if (runs.error) return <Result status="warning" title={errorMessage(t, runs.error)} />;
  if (runs.loading && !runs.data) return <Spin />;
  const open = (next: { run?: string; stop?: string | null }) => {
    const p = new URLSearchParams(params);
    if (next.run) p.set('run', next.run);
    if (next.stop === null) p.delete('stop');
    else if (next.stop) p.set('stop', next.stop);
    setParams(p);
  };

  return (
    <div className="kl-page kl-ss-run-page">
      <Typography.Title level={4} className="kl-page-title">
        {t('sterileSupply.run.title')} · {today}
      </Typography.Title>
      {!runId && (
        <List
          dataSource={runs.data?.items ?? []}
          locale={{ emptyText: <Empty description={t('sterileSupply.run.noRun')} /> }}
          renderItem={(r) => (
            <List.Item onClick={() => open({ run: r.id })} className="kl-ss-tap" data-testid={`run-${r.id}`}>
              <List.Item.Meta title={`${r.routeName} · ${r.driverName}`} description={t('sterileSupply.run.progress', { done: r.stopsDone, total: r.stops })} />
            </List.Item>
          )}
        />
      )}
      {runId && run.data && !stop && (
        <Card size="small" title={`${run.data.routeName} · ${t('sterileSupply.run.driver')} ${run.data.driverName}`} data-testid="run-card">
          <List
            dataSource={run.data.stops}
            renderItem={(s) => (
              <List.Item onClick={() => open({ stop: s.id })} className="kl-ss-tap" data-testid={`stop-${s.stopOrder}`}>
                <List.Item.Meta
                  title={
                    <Space size={4}>
                      <span>{s.stopOrder}.</span>
                      <span>{s.centreName}</span>
                    </Space>
                  }
                  description={
                    <Space size={4} wrap>
                      <Tag>{s.plannedTime}</Tag>
                      <Tag color={s.progress === 8 ? 'green' : s.progress > 0 ? 'blue' : 'default'}>
                        {s.progress === 8 ? t('sterileSupply.run.stopDone') : s.nextStep ? t(`sterileSupply.steps.${s.nextStep}`) : ''}
                      </Tag>
                      {s.collectionStatus === 'discrepancy' && <Tag color="red">{t('sterileSupply.collection.discrepancy')}</Tag>}
                    </Space>
                  }
                />
              </List.Item>
            )}
          />
        </Card>
      )}
      {stop && run.data && (
        <Card
          size="small"
          title={
            <span data-testid="stop-title">
              {stop.stopOrder}. {stop.centreName}
            </span>
          }
          extra={
            <Button size="small" onClick={() => open({ stop: null })} data-testid="back-to-run">
              {t('sterileSupply.run.backToRun')}
            </Button>
          }
        >
          {stop.progress === 8 && <Alert type="success" showIcon message={t('sterileSupply.run.stopComplete')} data-testid="stop-complete" />}
          <StopChecklist stop={stop} onChanged={run.reload} />
        </Card>
      )}
    </div>
  );
}
