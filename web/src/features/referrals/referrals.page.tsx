import { Alert, App, Button, Card, Form, Input, InputNumber, Select, Space, Switch, Table, Tabs, Tag, Typography, type TableColumnsType } from 'antd';
import dayjs from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router-dom';
import { isApiError } from '../../api/client';
import { errorMessage } from '../../i18n/errors';
import { formatDate, formatDateTime, todayInChina } from '../../lib/format';
import { useCurrentUser } from '../auth/auth.resource';
import { STATUS_COLOURS } from './referrals.logic';
import { referralApi, useDepartments, usePolicy, useReferralList, useSessions } from './referrals.resource';
import type { ReferralListItem, Session } from './referrals.types';

const HOSPITAL_ROLES = ['referral_coordinator', 'specialist'];

/** 双向转诊: the hospital's incoming queue, the community's outgoing referrals, and the hospital's sessions and quotas. */
export default function ReferralsPage() {
  const { t } = useTranslation();
  const user = useCurrentUser();
  const [params, setParams] = useSearchParams();
  const hospital = HOSPITAL_ROLES.includes(user.role);
  const tab = params.get('tab') ?? (hospital ? 'incoming' : 'outgoing');
  const items = [
    { key: 'incoming', label: t('referral.tabs.incoming'), children: <ReferralTable box="incoming" /> },
    { key: 'outgoing', label: t('referral.tabs.outgoing'), children: <ReferralTable box="outgoing" /> },
    ...(hospital ? [{ key: 'sessions', label: t('referral.tabs.sessions'), children: <SessionsTab /> }] : []),
  ];
  return (
    <div className="kl-page">
      <Typography.Title level={3}>{t('referral.title')}</Typography.Title>
      <Tabs activeKey={tab} onChange={(k) => setParams({ tab: k })} items={items} />
    </div>
  );
}

function ReferralTable({ box }: { box: 'incoming' | 'outgoing' }) {
  const { t } = useTranslation();
  const [open, setOpen] = useState(true);
  const list = useReferralList(box, open);
  const columns: TableColumnsType<ReferralListItem> = [
    {
      title: t('referral.cols.resident'),
      dataIndex: 'residentName',
      render: (_, r) => (
        <Link to={`/referrals/${r.id}`} data-testid="referral-open" className="kl-strong-link">
          {r.residentName}
        </Link>
      ),
    },
    { title: t('referral.cols.direction'), dataIndex: 'direction', render: (d: string) => t(`referral.direction.${d}`) },
    {
      title: t('referral.cols.urgency'),
      dataIndex: 'urgency',
      render: (u: string) => <Tag color={u === 'green_channel' ? 'green' : u === 'urgent' ? 'red' : 'default'}>{t(`referral.urgency.${u}`)}</Tag>,
    },
    { title: t('referral.cols.status'), dataIndex: 'status', render: (s: ReferralListItem['status']) => <Tag color={STATUS_COLOURS[s]} data-testid="referral-status">{t(`referral.status.${s}`)}</Tag> },
    { title: box === 'incoming' ? t('referral.cols.from') : t('referral.cols.to'), render: (_, r) => (box === 'incoming' ? r.fromInstitution : r.toInstitution) },
    { title: t('referral.cols.department'), dataIndex: 'department', render: (d: string | null) => d ?? '—' },
    { title: t('referral.cols.session'), render: (_, r) => (r.sessionDate ? `${formatDate(r.sessionDate)} ${r.sessionStart?.slice(0, 5) ?? ''}` : '—') },
    { title: t('referral.cols.requestedAt'), dataIndex: 'requestedAt', render: (v: string) => formatDateTime(v) },
    { title: t('referral.cols.reason'), dataIndex: 'reason', ellipsis: true },
  ];
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Space>
        <Switch checked={open} onChange={setOpen} data-testid="referral-open-only" /> {t('referral.openOnly')}
      </Space>
      {list.error && <Alert type="error" showIcon message={errorMessage(t, list.error)} />}
      <Table
        rowKey="id"
        size="middle"
        data-testid={`referral-table-${box}`}
        data-loading={String(list.loading)}
        loading={list.loading}
        columns={columns}
        dataSource={list.data?.items ?? []}
        onRow={(r) => ({ 'data-testid': 'referral-row', 'data-resident-name': r.residentName, 'data-status': r.status }) as React.HTMLAttributes<HTMLElement>}
        pagination={{ pageSize: 20, hideOnSinglePage: true }}
      />
    </Space>
  );
}

function SessionsTab() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const user = useCurrentUser();
  const today = todayInChina();
  const depts = useDepartments(null);
  const mine = (depts.data?.items ?? []).filter((d) => d.institutionId === user.institutionId);
  const sessions = useSessions({ institutionId: user.institutionId, from: today, to: dayjs(today).add(13, 'day').format('YYYY-MM-DD') });
  const policy = usePolicy(user.institutionId);
  const [form] = Form.useForm<{ departmentId: string; date: string; startTime: string; endTime: string; capacity: number }>();
  const [saving, setSaving] = useState(false);
  const create = async (v: { departmentId: string; date: string; startTime: string; endTime: string; capacity: number }) => {
    setSaving(true);
    try {
      await referralApi.createSession(v);
      message.success(t('referral.sessions.created'));
      sessions.reload();
    } catch (e) {
      if (isApiError(e)) message.error(errorMessage(t, e));
    } finally {
      setSaving(false);
    }
  };
  const columns: TableColumnsType<Session> = [
    { title: t('referral.sessions.date'), render: (_, s) => `${formatDate(s.date)} ${s.startTime}–${s.endTime}` },
    { title: t('referral.cols.department'), dataIndex: 'department' },
    { title: t('referral.sessions.capacity'), dataIndex: 'capacity' },
    { title: t('referral.sessions.reserved'), render: (_, s) => `${s.reservedBooked}/${s.reserved}` },
    { title: t('referral.sessions.open'), render: (_, s) => `${s.openBooked}/${s.capacity - s.reserved}` },
    { title: t('referral.sessions.release'), render: (_, s) => (s.released ? <Tag color="green">{t('referral.sessions.released')}</Tag> : formatDateTime(s.releaseAt)) },
  ];
  return (
    <Space direction="vertical" style={{ width: '100%' }} size="large">
      {policy.data && (
        <Alert type="info" showIcon message={t('referral.sessions.policy', { share: Math.round(policy.data.reservedShare * 100), hours: policy.data.releaseHours })} />
      )}
      {user.role === 'referral_coordinator' && (
        <Card size="small" title={t('referral.sessions.new')}>
          <Form form={form} layout="inline" onFinish={create} initialValues={{ date: today, startTime: '08:00', endTime: '11:30', capacity: 20 }}>
            <Form.Item name="departmentId" rules={[{ required: true }]}>
              <Select style={{ width: 160 }} placeholder={t('referral.cols.department')} options={mine.map((d) => ({ value: d.id, label: d.name }))} />
            </Form.Item>
            <Form.Item name="date" rules={[{ required: true }]}>
              <Input type="date" />
            </Form.Item>
            <Form.Item name="startTime">
              <Input type="time" />
            </Form.Item>
            <Form.Item name="endTime">
              <Input type="time" />
            </Form.Item>
            <Form.Item name="capacity">
              <InputNumber min={1} max={500} />
            </Form.Item>
            <Button type="primary" htmlType="submit" loading={saving}>
              {t('referral.sessions.publish')}
            </Button>
          </Form>
        </Card>
      )}
      <Table rowKey="id" size="small" loading={sessions.loading} columns={columns} dataSource={sessions.data?.items ?? []} pagination={{ pageSize: 20, hideOnSinglePage: true }} />
    </Space>
  );
}
