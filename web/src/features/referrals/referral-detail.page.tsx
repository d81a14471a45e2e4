import { Alert, App, Button, Card, Descriptions, Form, Input, Result, Select, Skeleton, Space, Table, Tag, Timeline, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router-dom';
import { isApiError } from '../../api/client';
import { errorMessage } from '../../i18n/errors';
import { formatDate, formatDateTime, todayInChina } from '../../lib/format';
import { useCurrentUser } from '../auth/auth.resource';
import { NEEDS_REASON, offeredActions, sideOf, STATUS_COLOURS } from './referrals.logic';
import { referralApi, useDischargeTemplates, useReferral } from './referrals.resource';
import type { DatedTask, ReferralAction, ReferralDetail } from './referrals.types';
import { SummaryCard } from './referral-new.page';

export default function ReferralDetailPage() {
  const { t } = useTranslation();
  const { id } = useParams<{ id: string }>();
  const referral = useReferral(id ?? null);
  if (!id) return <Result status="404" title={t('errors.pageNotFound')} />;
  if (referral.error) return <Alert type="error" showIcon message={errorMessage(t, referral.error)} />;
  if (!referral.data) return <Skeleton active />;
  return <Detail r={referral.data} reload={referral.reload} />;
}

function Detail({ r, reload }: { r: ReferralDetail; reload: () => void }) {
  const { t, i18n } = useTranslation();
  const { message } = App.useApp();
  const user = useCurrentUser();
  const side = sideOf(user.institutionId, r);
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const act = async (action: ReferralAction) => {
    setBusy(action);
    setError(null);
    try {
      await referralApi.transition(r.id, action, NEEDS_REASON.includes(action) ? reason : undefined);
      message.success(t(`referral.action.${action}`));
      setReason('');
      reload();
    } catch (e) {
      if (isApiError(e)) setError(errorMessage(t, e));
    } finally {
      setBusy(null);
    }
  };
  const actions = offeredActions(r.status, side);
  const showResults = side === 'receiver' && r.direction === 'up' && r.status === 'in_progress';
  return (
    <div className="kl-page" data-testid="referral-detail" data-status={r.status}>
      <Space align="center" wrap>
        <Typography.Title level={3} style={{ margin: 0 }}>
          <Link to={`/residents/${r.residentId}`}>{r.residentName}</Link> · {t(`referral.direction.${r.direction}`)}
        </Typography.Title>
        <Tag color={STATUS_COLOURS[r.status]} data-testid="referral-status">{t(`referral.status.${r.status}`)}</Tag>
        <Tag color={r.urgency === 'green_channel' ? 'green' : r.urgency === 'urgent' ? 'red' : 'default'}>{t(`referral.urgency.${r.urgency}`)}</Tag>
      </Space>
      <Space direction="vertical" size="large" style={{ width: '100%', marginTop: 16 }}>
        <Card size="small">
          <Descriptions column={2} size="small">
            <Descriptions.Item label={t('referral.cols.from')}>{r.fromInstitution}</Descriptions.Item>
            <Descriptions.Item label={t('referral.cols.to')}>{`${r.toInstitution}${r.department ? ` · ${r.department}` : ''}`}</Descriptions.Item>
            <Descriptions.Item label={t('referral.cols.reason')}>{r.reason}</Descriptions.Item>
            <Descriptions.Item label={t('referral.cols.session')}>{r.session ? `${formatDate(r.session.date)} ${r.session.start.slice(0, 5)}` : '—'}</Descriptions.Item>
            <Descriptions.Item label={t('referral.detail.reimbursement')}>
              {r.reimbursement ? `${t(`referral.pathway.${r.reimbursement.pathway}`)} · ${Math.round(r.reimbursement.ratio * 100)}%` : '—'}
            </Descriptions.Item>
            <Descriptions.Item label={t('referral.detail.basis')}>{t(`referral.basis.${r.accessBasis}`, { defaultValue: r.accessBasis })}</Descriptions.Item>
            {r.statusReason && <Descriptions.Item label={t('referral.detail.statusReason')}>{r.statusReason}</Descriptions.Item>}
          </Descriptions>
        </Card>
        {actions.length > 0 && (
          <Card size="small" title={t('referral.detail.actions')}>
            <Space wrap>
              {actions.some((a) => NEEDS_REASON.includes(a)) && (
                <Input placeholder={t('referral.detail.reasonPlaceholder')} value={reason} onChange={(e) => setReason(e.target.value)} style={{ width: 280 }} data-testid="referral-action-reason" />
              )}
              {actions.map((a) => (
                <Button key={a} type={a === 'accept' || a === 'arrive' ? 'primary' : 'default'} danger={NEEDS_REASON.includes(a)} loading={busy === a} onClick={() => act(a)} data-testid={`referral-action-${a}`}>
                  {t(`referral.action.${a}`)}
                </Button>
              ))}
            </Space>
            {error && <Alert type="error" showIcon message={error} style={{ marginTop: 8 }} />}
          </Card>
        )}
        {showResults && !r.resultsReturnedAt && <ResultsForm r={r} onDone={reload} />}
        {showResults && <DownReferralForm r={r} onDone={reload} />}
        {(r.findings || r.results.length > 0) && (
          <Card size="small" title={t('referral.detail.findings')} data-testid="referral-findings">
            <Descriptions column={1} size="small">
              <Descriptions.Item label={t('referral.detail.diagnosis')}>{r.diagnosis ?? '—'}</Descriptions.Item>
              <Descriptions.Item label={t('referral.detail.findings')}>{r.findings ?? '—'}</Descriptions.Item>
            </Descriptions>
            {r.results.map((x) => (
              <div key={`${x.loinc}${x.at}`}>
                {x.display}: {x.value ?? x.valueText} {x.unit ?? ''} <span className="kl-muted">({formatDateTime(x.at)})</span>
              </div>
            ))}
          </Card>
        )}
        {r.dischargePackage && <PackageCard r={r} />}
        {r.dischargeTasks.length > 0 && (
          <Card size="small" title={t('referral.detail.tasks')}>
            <Table
              rowKey="id"
              size="small"
              pagination={false}
              data-testid="referral-tasks"
              dataSource={r.dischargeTasks}
              columns={[
                { title: t('referral.tasks.label'), render: (_, x) => (i18n.language === 'en' ? x.labelEn : x.label) },
                { title: t('referral.tasks.due'), render: (_, x) => `${formatDate(x.dueDate)} – ${formatDate(x.windowEnd)}` },
                { title: t('referral.tasks.status'), render: (_, x) => <Tag color={x.status === 'done' ? 'green' : 'blue'}>{t(`referral.tasks.${x.status}`, { defaultValue: x.status })}</Tag> },
              ]}
            />
          </Card>
        )}
        {r.children.map((c) => (
          <Link key={c.id} to={`/referrals/${c.id}`} data-testid="referral-child">
            {t(`referral.direction.${c.direction}`)} · {t(`referral.status.${c.status}`)}
          </Link>
        ))}
        {r.parentReferralId && <Link to={`/referrals/${r.parentReferralId}`}>{t('referral.detail.parent')}</Link>}
        <SummaryCard summary={r.summary} />
        <Card size="small" title={t('referral.detail.history')}>
          <Timeline
            items={r.events.map((e) => ({
              children: (
                <span>
                  {formatDateTime(e.at)} · {t(`referral.event.${e.action}`, { defaultValue: e.action })} → {t(`referral.status.${e.toStatus}`)} · {e.by ?? ''}
                  {e.reason ? ` · ${e.reason}` : ''}
                </span>
              ),
            }))}
          />
        </Card>
      </Space>
    </div>
  );
}

function PackageCard({ r }: { r: ReferralDetail }) {
  const { t } = useTranslation();
  const p = r.dischargePackage as { dischargeDate?: string; diagnosis?: string; medications?: { drugName: string; change: string; dose?: string; frequency?: string }[]; monitoring?: string[]; warningSigns?: string[]; followUpPlan?: string | null; rehabPlan?: string | null };
  return (
    <Card size="small" title={t('referral.down.package')} data-testid="referral-package">
      <Descriptions column={1} size="small">
        <Descriptions.Item label={t('referral.down.dischargeDate')}>{formatDate(p.dischargeDate ?? null)}</Descriptions.Item>
        <Descriptions.Item label={t('referral.detail.diagnosis')}>{p.diagnosis ?? '—'}</Descriptions.Item>
        <Descriptions.Item label={t('referral.down.medications')}>
          {(p.medications ?? []).map((m) => `${t(`referral.down.change.${m.change}`)} ${m.drugName} ${m.dose ?? ''} ${m.frequency ?? ''}`).join('；') || '—'}
        </Descriptions.Item>
        <Descriptions.Item label={t('referral.down.monitoring')}>{(p.monitoring ?? []).join('；') || '—'}</Descriptions.Item>
        <Descriptions.Item label={t('referral.down.warningSigns')}>{(p.warningSigns ?? []).join('；') || '—'}</Descriptions.Item>
        <Descriptions.Item label={t('referral.down.followUpPlan')}>{p.followUpPlan ?? '—'}</Descriptions.Item>
      </Descriptions>
    </Card>
  );
}

function ResultsForm({ r, onDone }: { r: ReferralDetail; onDone: () => void }) {
  const { t } = useTranslation();
  const [form] = Form.useForm<{ diagnosis: string; findings: string; hba1c?: string }>();
  const [error, setError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const submit = async (v: { diagnosis: string; findings: string; hba1c?: string }) => {
    setSaving(true);
    setError(null);
    try {
      const hba1c = v.hba1c ? Number(v.hba1c) : NaN;
      await referralApi.results(r.id, { diagnosis: v.diagnosis, findings: v.findings, results: Number.isFinite(hba1c) ? [{ loinc: '4548-4', display: '糖化血红蛋白', value: hba1c, unit: '%' }] : [] });
      onDone();
    } catch (e) {
      if (isApiError(e)) setError(errorMessage(t, e));
    } finally {
      setSaving(false);
    }
  };
  return (
    <Card size="small" title={t('referral.results.title')} data-testid="referral-results-form">
      <Form form={form} layout="vertical" onFinish={submit}>
        <Form.Item name="diagnosis" label={t('referral.detail.diagnosis')} rules={[{ required: true, message: t('referral.results.required') }]}>
          <Input data-testid="results-diagnosis" />
        </Form.Item>
        <Form.Item name="findings" label={t('referral.detail.findings')} rules={[{ required: true, message: t('referral.results.required') }]}>
          <Input.TextArea rows={3} data-testid="results-findings" />
        </Form.Item>
        <Form.Item name="hba1c" label={t('referral.results.hba1c')}>
          <Input style={{ width: 120 }} data-testid="results-hba1c" />
        </Form.Item>
        {error && <Alert type="error" showIcon message={error} />}
        <Button type="primary" htmlType="submit" loading={saving} data-testid="results-submit">
          {t('referral.results.submit')}
        </Button>
      </Form>
    </Card>
  );
}

function DownReferralForm({ r, onDone }: { r: ReferralDetail; onDone: () => void }) {
  const { t, i18n } = useTranslation();
  const today = todayInChina();
  const [dischargeDate, setDischargeDate] = useState(today);
  const templates = useDischargeTemplates(dischargeDate);
  const [template, setTemplate] = useState<string>('hypertension');
  const [tasks, setTasks] = useState<DatedTask[]>([]);
  const [diagnosis, setDiagnosis] = useState(r.diagnosis ?? '');
  const [monitoring, setMonitoring] = useState<string[]>([]);
  const [warningSigns, setWarningSigns] = useState<string[]>([]);
  const [followUpPlan, setFollowUpPlan] = useState('');
  const [meds, setMeds] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  useEffect(() => setDiagnosis((d) => d || r.diagnosis || ''), [r.diagnosis]);
  const chosen = templates.data?.items.find((x) => x.code === template);
  useEffect(() => {
    if (chosen) {
      setTasks(chosen.tasks);
      setMonitoring(chosen.monitoring);
    }
  }, [chosen]);
  const setTask = (i: number, patch: Partial<DatedTask>) => setTasks((ts) => ts.map((x, k) => (k === i ? { ...x, ...patch } : x)));
  const submit = async () => {
    setSaving(true);
    setError(null);
    try {
      // One medication change per line: 「调整 氨氯地平 10mg qd」, 「新增 …」, 「停用 …」.
      const medications = meds
        .split('\n')
        .map((l) => l.trim().split(/\s+/))
        .filter((p) => p.length >= 2)
        .map(([verb, drugName, dose, frequency]) => ({
          drugName: drugName!,
          change: verb === '停用' || verb === 'stop' ? 'stop' : verb === '调整' || verb === 'dose' ? 'dose' : 'start',
          ...(dose ? { dose } : {}),
          ...(frequency ? { frequency } : {}),
        }));
      await referralApi.downRefer(r.id, {
        dischargeDate,
        diagnosis,
        template,
        medications,
        monitoring,
        warningSigns,
        ...(followUpPlan ? { followUpPlan } : {}),
        tasks: tasks.map((x) => ({ code: x.code, label: x.label, labelEn: x.labelEn, dueDate: x.dueDate, windowEnd: x.windowEnd })),
      });
      onDone();
    } catch (e) {
      if (isApiError(e)) setError(errorMessage(t, e));
    } finally {
      setSaving(false);
    }
  };
  return (
    <Card size="small" title={t('referral.down.title')} data-testid="down-referral-form">
      <Form layout="vertical">
        <Space wrap>
          <Form.Item label={t('referral.down.dischargeDate')}>
            <Input type="date" value={dischargeDate} onChange={(e) => setDischargeDate(e.target.value)} data-testid="down-discharge-date" />
          </Form.Item>
          <Form.Item label={t('referral.down.template')}>
            <Select value={template} onChange={setTemplate} style={{ width: 220 }} data-testid="down-template" options={(templates.data?.items ?? []).map((x) => ({ value: x.code, label: i18n.language === 'en' ? x.nameEn : x.name }))} />
          </Form.Item>
        </Space>
        <Form.Item label={t('referral.detail.diagnosis')}>
          <Input value={diagnosis} onChange={(e) => setDiagnosis(e.target.value)} data-testid="down-diagnosis" />
        </Form.Item>
        <Form.Item label={t('referral.down.medications')} extra={t('referral.down.medicationsHint')}>
          <Input.TextArea rows={2} value={meds} onChange={(e) => setMeds(e.target.value)} data-testid="down-medications" />
        </Form.Item>
        <Form.Item label={t('referral.down.monitoring')}>
          <Select mode="tags" value={monitoring} onChange={setMonitoring} />
        </Form.Item>
        <Form.Item label={t('referral.down.warningSigns')}>
          <Select mode="tags" value={warningSigns} onChange={setWarningSigns} data-testid="down-warning-signs" />
        </Form.Item>
        <Form.Item label={t('referral.down.followUpPlan')}>
          <Input value={followUpPlan} onChange={(e) => setFollowUpPlan(e.target.value)} />
        </Form.Item>
      </Form>
      <Typography.Text strong>{t('referral.down.calendar')}</Typography.Text>
      <Table
        rowKey="code"
        size="small"
        pagination={false}
        data-testid="down-tasks"
        dataSource={tasks}
        columns={[
          { title: t('referral.tasks.label'), render: (_, x) => (i18n.language === 'en' ? x.labelEn : x.label) },
          { title: t('referral.tasks.dueDate'), render: (_, x, i) => <Input type="date" value={x.dueDate} onChange={(e) => setTask(i, { dueDate: e.target.value })} /> },
          { title: t('referral.tasks.windowEnd'), render: (_, x, i) => <Input type="date" value={x.windowEnd} onChange={(e) => setTask(i, { windowEnd: e.target.value })} /> },
        ]}
      />
      {error && <Alert type="error" showIcon message={error} style={{ marginTop: 8 }} />}
      <Button type="primary" onClick={submit} loading={saving} disabled={!diagnosis.trim() || tasks.length === 0} style={{ marginTop: 12 }} data-testid="down-submit">
        {t('referral.down.submit')}
      </Button>
    </Card>
  );
}
