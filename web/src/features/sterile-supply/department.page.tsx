import { App, Button, Card, DatePicker, Form, Input, Modal, Popconfirm, Select, Space, Table, Tabs, Tag, Typography } from 'antd';
import dayjs from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router-dom';
import { isApiError } from '../../api/client';
import { errorMessage } from '../../i18n/errors';
import {
  supplyApi,
  useBatches,
  useDepartment,
  useRecall,
  useRecalls,
  useReprocess,
  useRuns,
  useSterilisers,
  useStoreStock,
} from './sterile-supply.resource';
import type { BatchSummary, RunSummary } from './sterile-supply.types';

const todayCst = () => new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
const shift = (d: string, n: number) => new Date(Date.parse(d) + n * 86_400_000).toISOString().slice(0, 10);

/** 消毒供应中心: runs, loads and their monitoring, recalls, the store and the 代消毒 schedule. */
export default function SupplyDepartmentPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const dept = useDepartment();
  const [label, setLabel] = useState('');
  return (
    <div className="kl-page kl-ss-page">
      <div className="kl-page-head">
        <Typography.Title level={3} className="kl-page-title">
          {dept.data?.name ?? t('sterileSupply.title')}
        </Typography.Title>
        <Input.Search
          placeholder={t('sterileSupply.trace.placeholder')}
          value={label}
          onChange={(e) => setLabel(e.target.value)}
          onSearch={(v) => v.trim() && navigate(`/sterile-supply/trace/${encodeURIComponent(v.trim())}`)}
          enterButton={t('sterileSupply.trace.go')}
          style={{ maxWidth: 360 }}
          data-testid="trace-search"
        />
      </div>
      <Tabs
        items={[
          { key: 'runs', label: t('sterileSupply.tabs.runs'), children: <RunsTab /> },
          { key: 'batches', label: t('sterileSupply.tabs.batches'), children: <BatchesTab /> },
          { key: 'recalls', label: t('sterileSupply.tabs.recalls'), children: <RecallsTab /> },
          { key: 'store', label: t('sterileSupply.tabs.store'), children: <StoreTab /> },
          { key: 'reprocess', label: t('sterileSupply.tabs.reprocess'), children: <ReprocessTab /> },
        ]}
      />
    </div>
  );
}

function RunsTab() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const today = todayCst();
  const runs = useRuns({ from: shift(today, -31), to: shift(today, 7) });
  const dept = useDepartment();
  const routes = [...new Set((dept.data?.centres ?? []).map((c) => c.routeName))];
  const plan = async (v: { runDate: dayjs.Dayjs; routeName: string; driverName: string; nurseUserId: string }) => {
    try {
      const r = await supplyApi.planRun({ ...v, runDate: v.runDate.format('YYYY-MM-DD') });
      void message.success(t('sterileSupply.planned', { n: r.stops }));
      runs.reload();
    } catch (e) {
      void message.error(isApiError(e) ? errorMessage(t, e) : t('errors.unexpected'));
    }
  };
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Form layout="inline" onFinish={(v) => void plan(v)} initialValues={{ runDate: dayjs().add(1, 'day') }} data-testid="plan-run">
        <Form.Item name="runDate" rules={[{ required: true }]}>
          <DatePicker />
        </Form.Item>
        <Form.Item name="routeName" rules={[{ required: true, message: t('sterileSupply.cols.route') }]}>
          <Select
            style={{ minWidth: 100 }}
            placeholder={t('sterileSupply.cols.route')}
            options={routes.map((r) => ({ value: r, label: r }))}
          />
        </Form.Item>
        <Form.Item name="nurseUserId" rules={[{ required: true, message: t('sterileSupply.cols.nurse') }]}>
          <Select
            style={{ minWidth: 120 }}
            placeholder={t('sterileSupply.cols.nurse')}
            options={(dept.data?.runNurses ?? []).map((n) => ({ value: n.id, label: n.name }))}
          />
        </Form.Item>
        <Form.Item name="driverName" rules={[{ required: true, message: t('sterileSupply.cols.driver') }]}>
          <Input placeholder={t('sterileSupply.cols.driver')} style={{ width: 120 }} />
        </Form.Item>
        <Form.Item>
          <Button type="primary" htmlType="submit">
            {t('sterileSupply.planRun')}
          </Button>
        </Form.Item>
      </Form>
      <Table<RunSummary>
        size="small"
        rowKey="id"
        loading={runs.loading}
        dataSource={runs.data?.items ?? []}
        pagination={{ pageSize: 15 }}
        columns={[
          { title: t('sterileSupply.cols.date'), dataIndex: 'runDate' },
          { title: t('sterileSupply.cols.route'), dataIndex: 'routeName' },
          { title: t('sterileSupply.cols.nurse'), dataIndex: 'nurseName' },
          { title: t('sterileSupply.cols.driver'), dataIndex: 'driverName' },
          { title: t('sterileSupply.cols.stops'), render: (_, r) => `${r.stopsDone}/${r.stops}` },
          { title: t('sterileSupply.cols.status'), render: (_, r) => <Tag>{t(`sterileSupply.runStatus.${r.status}`)}</Tag> },
          {
            title: t('sterileSupply.cols.discrepancies'),
            render: (_, r) => (r.discrepancies ? <Tag color="red">{r.discrepancies}</Tag> : 0),
          },
          { title: '', render: (_, r) => <Link to={`/sterile-supply/run?run=${r.id}`}>{t('sterileSupply.open')}</Link> },
        ]}
      />
    </Space>
  );
}

function BatchesTab() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const today = todayCst();
  const batches = useBatches({ from: shift(today, -31), to: today });
  const sterilisers = useSterilisers();
  const bi = async (b: BatchSummary, result: 'pass' | 'fail') => {
    try {
      const r = await supplyApi.biTest(b.id, result);
      if (r.recall) void message.warning(t('sterileSupply.recallOpened', { n: r.recall.packs }));
      batches.reload();
      sterilisers.reload();
    } catch (e) {
      void message.error(isApiError(e) ? errorMessage(t, e) : t('errors.unexpected'));
    }
  };
  const release = async (b: BatchSummary) => {
    try {
      await supplyApi.release(b.id);
      batches.reload();
    } catch (e) {
      void message.error(isApiError(e) ? errorMessage(t, e) : t('errors.unexpected'));
    }
  };
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Space wrap>
        {(sterilisers.data?.items ?? []).map((s) => (
          <Card key={s.id} size="small" title={`${s.code} · ${s.name}`} data-testid={`steriliser-${s.code}`}>
            <Space wrap size={4}>
              <Tag color={s.status === 'blocked' ? 'red' : 'green'}>{t(`sterileSupply.steriliserStatus.${s.status}`)}</Tag>
              {s.status === 'blocked' && <Tag>{t('sterileSupply.requalify', { n: s.passesSinceBlock })}</Tag>}
              {s.bowieDickRequired && (
                <Tag color={s.bowieDickToday === 'pass' ? 'green' : 'orange'}>
                  B-D {s.bowieDickToday ? t(`sterileSupply.result.${s.bowieDickToday}`) : t('sterileSupply.due')}
                </Tag>
              )}
              <Tag color={s.biologicalDue ? 'orange' : 'green'}>
                {t('sterileSupply.bi')} {s.biologicalDue ? t('sterileSupply.due') : s.lastBiologicalPass}
              </Tag>
            </Space>
          </Card>
        ))}
      </Space>
      <Table<BatchSummary>
        size="small"
        rowKey="id"
        loading={batches.loading}
        dataSource={batches.data?.items ?? []}
        pagination={{ pageSize: 15 }}
        columns={[
          { title: t('sterileSupply.cols.batch'), dataIndex: 'batchNo' },
          { title: t('sterileSupply.cols.date'), dataIndex: 'sterilisedOn' },
          { title: t('sterileSupply.cols.packs'), render: (_, b) => (b.testCycle ? t('sterileSupply.testCycle') : b.packs) },
          {
            title: t('sterileSupply.cols.physical'),
            render: (_, b) =>
              b.physicalPass === null ? (
                '—'
              ) : (
                <Tag color={b.physicalPass ? 'green' : 'red'}>{t(`sterileSupply.result.${b.physicalPass ? 'pass' : 'fail'}`)}</Tag>
              ),
          },
          { title: t('sterileSupply.cols.chemicalMissing'), dataIndex: 'withoutIndicator' },
          {
            title: t('sterileSupply.bi'),
            render: (_, b) =>
              b.biResult ? (
                <Tag color={b.biResult === 'pass' ? 'green' : 'red'}>{t(`sterileSupply.result.${b.biResult}`)}</Tag>
              ) : b.biRequired ? (
                t('sterileSupply.due')
              ) : (
                '—'
              ),
          },
          { title: t('sterileSupply.cols.status'), render: (_, b) => <Tag>{t(`sterileSupply.batchStatus.${b.status}`)}</Tag> },
          {
            title: '',
            render: (_, b) => (
              <Space size={4}>
                {b.status === 'completed' && !b.testCycle && (
                  <Button size="small" onClick={() => void release(b)}>
                    {t('sterileSupply.release')}
                  </Button>
                )}
                {b.status !== 'loading' && b.status !== 'failed' && !b.biResult && (
                  <>
                    <Button size="small" onClick={() => void bi(b, 'pass')}>
                      {t('sterileSupply.biPass')}
                    </Button>
                    <Popconfirm title={t('sterileSupply.biFailConfirm')} onConfirm={() => void bi(b, 'fail')}>
                      <Button size="small" danger>
                        {t('sterileSupply.biFail')}
                      </Button>
                    </Popconfirm>
                  </>
                )}
              </Space>
            ),
          },
        ]}
      />
    </Space>
  );
}

function RecallsTab() {
  const { t } = useTranslation();
  const recalls = useRecalls();
  const [open, setOpen] = useState<string | null>(null);
  const detail = useRecall(open);
  return (
    <>
      <Table
        size="small"
        rowKey="id"
        loading={recalls.loading}
        dataSource={recalls.data?.items ?? []}
        columns={[
          { title: t('sterileSupply.cols.date'), dataIndex: 'openedOn' },
          { title: t('sterileSupply.cols.steriliser'), dataIndex: 'steriliserCode' },
          { title: t('sterileSupply.cols.failedBatch'), dataIndex: 'failedBatchNo' },
          { title: t('sterileSupply.cols.packs'), dataIndex: 'packs' },
          { title: t('sterileSupply.cols.centres'), dataIndex: 'centres' },
          {
            title: '',
            render: (_, r) => (
              <Button size="small" onClick={() => setOpen(r.id)}>
                {t('sterileSupply.open')}
              </Button>
            ),
          },
        ]}
      />
      <Modal open={!!open} onCancel={() => setOpen(null)} footer={null} title={t('sterileSupply.recall.title')} width={720}>
        {detail.data && (
          <Space direction="vertical" style={{ width: '100%' }}>
            <Typography.Text>
              {t('sterileSupply.recall.summary', {
                steriliser: detail.data.steriliserCode,
                failed: detail.data.failedBatchNo,
                since: detail.data.lastPassBatchNo ?? '—',
              })}
            </Typography.Text>
            {detail.data.holders.map((h) => (
              <Card key={h.centreId ?? 'store'} size="small" title={h.centreName ?? t('sterileSupply.recall.store')}>
                {h.packs.map((p) => (
                  <Tag key={p.label}>
                    <Link to={`/sterile-supply/trace/${encodeURIComponent(p.label)}`}>{p.label}</Link> {p.name}
                  </Tag>
                ))}
              </Card>
            ))}
          </Space>
        )}
      </Modal>
    </>
  );
}

function StoreTab() {
  const { t } = useTranslation();
  const store = useStoreStock();
  return (
    <Table
      size="small"
      rowKey={(r) => r.packTypeId ?? r.name}
      loading={store.loading}
      dataSource={store.data?.items ?? []}
      pagination={false}
      columns={[
        { title: t('sterileSupply.cols.pack'), dataIndex: 'name' },
        { title: t('sterileSupply.cols.issuable'), dataIndex: 'issuable' },
        { title: t('sterileSupply.cols.awaitingRelease'), dataIndex: 'awaitingRelease' },
        { title: t('sterileSupply.cols.expired'), render: (_, r) => (r.expired ? <Tag color="red">{r.expired}</Tag> : 0) },
        { title: t('sterileSupply.cols.nextExpiry'), dataIndex: 'nextExpiry' },
      ]}
    />
  );
}

function ReprocessTab() {
  const { t } = useTranslation();
  const items = useReprocess();
  return (
    <Table
      size="small"
      rowKey="id"
      loading={items.loading}
      dataSource={items.data?.items ?? []}
      columns={[
        { title: t('sterileSupply.cols.scheduledOn'), dataIndex: 'scheduledOn' },
        { title: t('sterileSupply.cols.centre'), dataIndex: 'centreName' },
        { title: t('sterileSupply.cols.item'), render: (_, r) => `${r.name} ${r.spec}` },
        { title: t('sterileSupply.cols.quantity'), dataIndex: 'quantity' },
        { title: t('sterileSupply.cols.collectedOn'), dataIndex: 'collectedOn' },
        { title: t('sterileSupply.cols.nextRunOn'), dataIndex: 'nextRunOn' },
      ]}
    />
  );
}
