import { Alert, App, Button, Card, Descriptions, Form, Input, Radio, Result, Select, Skeleton, Space, Table, Tag, Typography } from 'antd';
import dayjs from 'dayjs';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate, useSearchParams } from 'react-router-dom';
import { isApiError } from '../../api/client';
import { errorMessage } from '../../i18n/errors';
import { formatDate, todayInChina } from '../../lib/format';
import { bookableSessions } from './referrals.logic';
import { referralApi, useDepartments, useReferralDraft, useSessions } from './referrals.resource';
import type { ClinicalSummary, Urgency } from './referrals.types';

/** A new up-referral, prefilled from the follow-up (reasons, vitals, problems, medications, results). */
export default function NewReferralPage() {
  const { t } = useTranslation();
  const [params] = useSearchParams();
  const residentId = params.get('residentId');
  const visitId = params.get('followupVisitId');
  const draft = useReferralDraft(residentId, visitId);
  if (!residentId) return <Result status="404" title={t('errors.pageNotFound')} />;
  if (draft.error) return <Alert type="error" showIcon message={errorMessage(t, draft.error)} />;
  if (!draft.data) return <Skeleton active />;
  return <ReferralForm residentId={residentId} visitId={visitId} draft={draft.data} />;
}

function ReferralForm({ residentId, visitId, draft }: { residentId: string; visitId: string | null; draft: NonNullable<ReturnType<typeof useReferralDraft>['data']> }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const navigate = useNavigate();
  const today = todayInChina();
  const depts = useDepartments(draft.specialty);
  const [departmentId, setDepartmentId] = useState<string | null>(null);
  const [urgency, setUrgency] = useState<Urgency>(draft.urgency);
  const [reason, setReason] = useState(draft.reason);
  const [sessionId, setSessionId] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    const first = depts.data?.items[0];
    if (!departmentId && first) setDepartmentId(first.id);
  }, [depts.data, departmentId]);
  const dept = depts.data?.items.find((d) => d.id === departmentId);
  const sessions = useSessions(departmentId ? { departmentId, from: today, to: dayjs(today).add(13, 'day').format('YYYY-MM-DD') } : null);
  const offered = bookableSessions(sessions.data?.items ?? [], urgency === 'green_channel', today);

  const submit = async () => {
    if (!dept) return;
    setSaving(true);
    setError(null);
    try {
      const created = await referralApi.create({
        residentId,
        ...(visitId ? { followupVisitId: visitId } : {}),
        toInstitutionId: dept.institutionId,
        departmentId: dept.id,
        urgency,
        reason,
        ...(sessionId ? { sessionId } : {}),
      });
      message.success(t('referral.new.sent'));
      navigate(`/referrals/${created.id}`);
    } catch (e) {
      if (isApiError(e)) setError(errorMessage(t, e));
    } finally {
      setSaving(false);
    }
  };

  return (
    <div className="kl-page" data-testid="referral-new">
      <Typography.Title level={3}>{t('referral.new.title')}</Typography.Title>
      <Space direction="vertical" size="large" style={{ width: '100%' }}>
        {draft.reasons.length > 0 && <Alert type={draft.urgency === 'green_channel' ? 'error' : 'warning'} showIcon message={draft.reasons.map((c) => t(`followup.reasons.${c}`, { defaultValue: c })).join('；')} data-testid="referral-reasons" />}
        <Card size="small">
          <Form layout="vertical">
            <Form.Item label={t('referral.cols.urgency')}>
              <Radio.Group value={urgency} onChange={(e) => { setUrgency(e.target.value as Urgency); setSessionId(null); }} data-testid="referral-urgency">
                {(['routine', 'urgent', 'green_channel'] as const).map((u) => (
                  <Radio.Button key={u} value={u} data-testid={`urgency-${u}`}>
                    {t(`referral.urgency.${u}`)}
                  </Radio.Button>
                ))}
              </Radio.Group>
            </Form.Item>
            <Form.Item label={t('referral.cols.department')}>
              <Select
                data-testid="referral-department"
                value={departmentId ?? undefined}
                onChange={(v: string) => { setDepartmentId(v); setSessionId(null); }}
                options={(depts.data?.items ?? []).map((d) => ({ value: d.id, label: `${d.institution} · ${d.name}` }))}
                style={{ maxWidth: 420 }}
              />
            </Form.Item>
            <Form.Item label={t('referral.cols.reason')}>
              <Input.TextArea value={reason} onChange={(e) => setReason(e.target.value)} rows={3} maxLength={500} data-testid="referral-reason" />
            </Form.Item>
          </Form>
        </Card>
        <Card size="small" title={t('referral.new.sessions')}>
          <Table
            rowKey="id"
            size="small"
            data-testid="referral-sessions"
            loading={sessions.loading}
            dataSource={offered}
            pagination={false}
            rowSelection={{ type: 'radio', selectedRowKeys: sessionId ? [sessionId] : [], onChange: (keys) => setSessionId(String(keys[0])) }}
            onRow={(s) => ({ onClick: () => setSessionId(s.id), 'data-testid': 'session-row' }) as React.HTMLAttributes<HTMLElement>}
            columns={[
              { title: t('referral.sessions.date'), render: (_, s) => `${formatDate(s.date)} ${s.startTime}–${s.endTime}` },
              { title: t('referral.sessions.doctor'), render: (_, s) => s.doctor ?? s.clinicName ?? '—' },
              { title: t('referral.sessions.reservedLeft'), render: (_, s) => <Tag color={s.reservedLeft > 0 ? 'green' : 'default'}>{s.reservedLeft}</Tag> },
              { title: t('referral.sessions.openLeft'), dataIndex: 'openLeft' },
            ]}
          />
          {!sessions.loading && offered.length === 0 && <Typography.Text type="secondary">{t('referral.new.noSession')}</Typography.Text>}
        </Card>
        <SummaryCard summary={draft.summary} />
        {error && <Alert type="error" showIcon message={error} data-testid="referral-error" />}
        <Space>
          <Button type="primary" onClick={submit} loading={saving} disabled={!dept || reason.trim().length === 0} data-testid="referral-submit">
            {sessionId ? t('referral.new.sendAndBook') : t('referral.new.send')}
          </Button>
          <Button onClick={() => navigate(`/residents/${residentId}`)}>{t('referral.new.skip')}</Button>
        </Space>
      </Space>
    </div>
  );
}

export function SummaryCard({ summary }: { summary: ClinicalSummary | null }) {
  const { t } = useTranslation();
  if (!summary) return null;
  return (
    <Card size="small" title={t('referral.summary.title')} data-testid="referral-summary">
      <Descriptions column={1} size="small">
        <Descriptions.Item label={t('referral.summary.problems')}>{summary.problems.map((p) => (p.icd10 ? `${p.display} (${p.icd10})` : p.display)).join('、') || '—'}</Descriptions.Item>
        <Descriptions.Item label={t('referral.summary.vitals')}>{summary.vitals.map((v) => `${v.display} ${v.value ?? ''}${v.unit ?? ''}`).join('；') || '—'}</Descriptions.Item>
        <Descriptions.Item label={t('referral.summary.medications')}>{summary.medications.map((m) => [m.drugName, m.dose, m.frequency].filter(Boolean).join(' ')).join('；') || '—'}</Descriptions.Item>
        <Descriptions.Item label={t('referral.summary.results')}>
          {summary.results.map((r) => `${r.display} ${r.value ?? r.valueText ?? ''}${r.unit ?? ''} (${formatDate(r.at)}${r.institution ? ` · ${r.institution}` : ''})`).join('；') || '—'}
        </Descriptions.Item>
      </Descriptions>
    </Card>
  );
}
