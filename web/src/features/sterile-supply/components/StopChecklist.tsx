import { Alert, App, Button, Checkbox, Descriptions, InputNumber, List, Space, Steps, Switch, Tag, Typography } from 'antd';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { isApiError } from '../../../api/client';
import { errorMessage } from '../../../i18n/errors';
import { countKind, isCountStep, issueLinesFrom, stepStates } from '../sterile-supply.logic';
import { supplyApi, useStopAction } from '../sterile-supply.resource';
import { ISSUE_CHECKS, type Stop, type StopStep } from '../sterile-supply.types';

/**
 * The run nurse's work at one centre, one step at a time in the seed's order (1.2.5.2): gloves on → count 代消毒
 * items → rear sealed box → count used instruments against the 换物单 → rear dirty box → gloves off → hand
 * disinfection → issue, checking name, quantity, sterilisation date, method and indicator colour.
 */
export function StopChecklist({ stop, onChanged }: { stop: Stop; onChanged: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const states = stepStates(stop.progress);
  const current = stop.nextStep;

  const fail = (e: unknown) => void message.error(isApiError(e) ? errorMessage(t, e) : t('errors.unexpected'));
  const tick = useStopAction((step: StopStep) => supplyApi.tick(stop.id, step));
  const doTick = async (step: StopStep) => {
    try {
      await tick.run(step);
      onChanged();
    } catch (e) {
      fail(e);
    }
  };

  return (
    <div className="kl-ss-stop" data-testid="stop-checklist">
      <Space wrap size={4} className="kl-ss-stop-tags">
        <Tag>{stop.plannedTime}</Tag>
        <Tag color={stop.collectionStatus === 'discrepancy' ? 'red' : stop.collectionStatus === 'matched' ? 'green' : 'default'} data-testid="collection-status">
          {t(`sterileSupply.collection.${stop.collectionStatus}`)}
        </Tag>
      </Space>
      <Steps
        direction="vertical"
        size="small"
        current={stop.progress}
        items={states.map(({ step, state }) => ({
          title: <span data-testid={`step-${step}`} data-state={state}>{t(`sterileSupply.steps.${step}`)}</span>,
          status: state === 'done' ? 'finish' : state === 'current' ? 'process' : 'wait',
          description:
            state === 'current' && step === current ? (
              <div className="kl-ss-step-body">
                {isCountStep(step) ? (
                  <CountForm key={step} stop={stop} kind={countKind(step)} onDone={onChanged} onError={fail} />
                ) : step === 'issued' ? (
                  <IssueForm stop={stop} onDone={onChanged} onError={fail} />
                ) : (
                  <Button type="primary" block size="large" loading={tick.pending} onClick={() => void doTick(step)} data-testid={`do-${step}`}>
                    {t('sterileSupply.run.done', { step: t(`sterileSupply.steps.${step}`) })}
                  </Button>
                )}
              </div>
            ) : undefined,
        }))}
      />
      {stop.issued.length > 0 && (
        <List
          size="small"
          header={<Typography.Text strong>{t('sterileSupply.run.issuedPacks')}</Typography.Text>}
          dataSource={stop.issued}
          data-testid="issued-list"
          renderItem={(p) => (
            <List.Item>
              <span className="kl-ss-label">{p.label}</span> {p.name} · {p.sterilisedOn} → {p.expiresOn}
            </List.Item>
          )}
        />
      )}
    </div>
  );
}

function CountForm({ stop, kind, onDone, onError }: { stop: Stop; kind: 'reprocess' | 'used'; onDone: () => void; onError: (e: unknown) => void }) {
  const { t } = useTranslation();
  const slip = useMemo(() => stop.slip.filter((l) => l.kind === kind), [stop.slip, kind]);
  const [counts, setCounts] = useState<(number | null)[]>(() => slip.map(() => null));
  const [intact, setIntact] = useState<boolean[]>(() => slip.map(() => true));
  const [result, setResult] = useState<{ discrepancy: boolean } | null>(null);
  const count = useStopAction(() =>
    supplyApi.count(
      stop.id,
      kind,
      slip.map((l, i) => ({ name: l.name, spec: l.spec, quantity: counts[i] ?? 0, intact: intact[i] ?? true })),
    ),
  );
  const ready = counts.every((c) => c !== null);
  const submit = async () => {
    try {
      const r = await count.run(undefined);
      setResult(r);
      onDone();
    } catch (e) {
      onError(e);
    }
  };
  return (
    <Space direction="vertical" className="kl-ss-count" style={{ width: '100%' }}>
      <Typography.Text type="secondary">{t('sterileSupply.run.countAgainstSlip')}</Typography.Text>
      {slip.length === 0 && <Typography.Text data-testid="slip-empty">{t('sterileSupply.run.slipEmpty')}</Typography.Text>}
      {slip.map((l, i) => (
        <div key={`${l.name}|${l.spec}`} className="kl-ss-count-row" data-testid={`count-row-${kind}-${i}`}>
          <div className="kl-ss-count-name">
            {l.name} <Typography.Text type="secondary">{l.spec}</Typography.Text>
            <div className="kl-ss-count-slip">{t('sterileSupply.run.onSlip', { n: l.quantity })}</div>
          </div>
          <div data-testid={`count-input-${kind}-${i}`}>
            <InputNumber
              min={0}
              max={1000}
              inputMode="numeric"
              value={counts[i]}
              aria-label={t('sterileSupply.run.counted', { name: l.name })}
              onChange={(v) => setCounts((c) => c.map((x, j) => (j === i ? (typeof v === 'number' ? v : null) : x)))}
            />
          </div>
          <Switch
            checked={intact[i]}
            checkedChildren={t('sterileSupply.run.intact')}
            unCheckedChildren={t('sterileSupply.run.damaged')}
            onChange={(v) => setIntact((c) => c.map((x, j) => (j === i ? v : x)))}
          />
        </div>
      ))}
      {result?.discrepancy && <Alert type="warning" showIcon message={t('sterileSupply.run.discrepancy')} data-testid="count-discrepancy" />}
      <Button type="primary" block size="large" disabled={!ready} loading={count.pending} onClick={() => void submit()} data-testid={`do-count-${kind}`}>
        {t('sterileSupply.run.confirmCount')}
      </Button>
    </Space>
  );
}

function IssueForm({ stop, onDone, onError }: { stop: Stop; onDone: () => void; onError: (e: unknown) => void }) {
  const { t } = useTranslation();
  const lines = useMemo(() => issueLinesFrom(stop.requests), [stop.requests]);
  const [quantities, setQuantities] = useState<number[]>(() => lines.map((l) => l.quantity));
  const [checks, setChecks] = useState<string[]>([]);
  const issue = useStopAction(() =>
    supplyApi.issue(
      stop.id,
      lines.map((l, i) => ({ packTypeId: l.packTypeId, quantity: quantities[i] ?? l.quantity, indicatorColour: 'pass' as const })).filter((l) => l.quantity > 0),
    ),
  );
  const allChecked = ISSUE_CHECKS.every((c) => checks.includes(c));
  const submit = async () => {
    try {
      await issue.run(undefined);
      onDone();
    } catch (e) {
      onError(e);
    }
  };
  if (lines.length === 0) return <Typography.Text data-testid="issue-nothing">{t('sterileSupply.run.nothingRequested')}</Typography.Text>;
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Descriptions size="small" column={1} bordered>
        {lines.map((l, i) => (
          <Descriptions.Item key={l.packTypeId} label={l.packName}>
            <div data-testid={`issue-qty-${i}`}>
              <InputNumber min={0} max={100} value={quantities[i]} onChange={(v) => setQuantities((q) => q.map((x, j) => (j === i ? (typeof v === 'number' ? v : 0) : x)))} />
            </div>
          </Descriptions.Item>
        ))}
      </Descriptions>
      <Typography.Text type="secondary">{t('sterileSupply.run.verify')}</Typography.Text>
      <Checkbox.Group value={checks} onChange={(v) => setChecks(v as string[])} className="kl-ss-checks">
        {ISSUE_CHECKS.map((c) => (
          <Checkbox key={c} value={c} data-testid={`check-${c}`}>
            {t(`sterileSupply.checks.${c}`)}
          </Checkbox>
        ))}
      </Checkbox.Group>
      <Button type="primary" block size="large" disabled={!allChecked} loading={issue.pending} onClick={() => void submit()} data-testid="do-issue">
        {t('sterileSupply.run.issue')}
      </Button>
    </Space>
  );
}
