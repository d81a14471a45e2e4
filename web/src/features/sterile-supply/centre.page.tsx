import { App, Button, Card, DatePicker, Form, InputNumber, Select, Space, Table, Tag, Typography } from 'antd';
import dayjs from 'dayjs';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { isApiError } from '../../api/client';
import { errorMessage } from '../../i18n/errors';
import { expiryTone } from './sterile-supply.logic';
import { supplyApi, useCentreStock, useDepartment, useRequests } from './sterile-supply.resource';
import type { StockItem } from './sterile-supply.types';

/** The centre's view: sterile packs on hand with their expiry, recalls to return, and requests to the department. */
export default function SupplyCentrePage() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const dept = useDepartment();
  const stock = useCentreStock();
  const requests = useRequests();
  const [form] = Form.useForm<{ packTypeId: string; quantity: number; neededOn: dayjs.Dayjs }>();

  const fail = (e: unknown) => void message.error(isApiError(e) ? errorMessage(t, e) : t('errors.unexpected'));
  const submit = async (v: { packTypeId: string; quantity: number; neededOn: dayjs.Dayjs }) => {
    try {
      await supplyApi.createRequest({ packTypeId: v.packTypeId, quantity: v.quantity, neededOn: v.neededOn.format('YYYY-MM-DD') });
      void message.success(t('sterileSupply.centre.requested'));
      form.resetFields();
      requests.reload();
    } catch (e) {
      fail(e);
    }
  };
  const use = async (p: StockItem) => {
    try {
      await supplyApi.usePack(p.label);
      stock.reload();
    } catch (e) {
      fail(e);
    }
  };

  return (
    <div className="kl-page kl-ss-page">
      <Typography.Title level={3} className="kl-page-title">
        {t('sterileSupply.centre.title')}
      </Typography.Title>
      <Card size="small" title={t('sterileSupply.centre.stock')}>
        <Table<StockItem>
          size="small"
          rowKey="label"
          loading={stock.loading}
          dataSource={stock.data?.items ?? []}
          pagination={{ pageSize: 20 }}
          scroll={{ x: true }}
          columns={[
            { title: t('sterileSupply.cols.label'), render: (_, p) => <Link to={`/sterile-supply/trace/${encodeURIComponent(p.label)}`}>{p.label}</Link> },
            { title: t('sterileSupply.cols.pack'), dataIndex: 'name' },
            { title: t('sterileSupply.cols.sterilisedOn'), dataIndex: 'sterilisedOn' },
            {
              title: t('sterileSupply.cols.expiresOn'),
              render: (_, p) => {
                const tone = expiryTone(p.daysLeft);
                return <Tag color={tone === 'expired' ? 'red' : tone === 'soon' ? 'orange' : 'default'}>{p.expiresOn}</Tag>;
              },
            },
            { title: t('sterileSupply.cols.status'), render: (_, p) => (p.status === 'recalled' ? <Tag color="red">{t('sterileSupply.centre.returnRecalled')}</Tag> : p.expired ? <Tag color="red">{t('sterileSupply.centre.returnExpired')}</Tag> : <Tag>{t(`sterileSupply.packStatus.${p.status}`)}</Tag>) },
            { title: '', render: (_, p) => (p.status === 'issued' && !p.expired ? <Button size="small" onClick={() => void use(p)}>{t('sterileSupply.centre.open')}</Button> : null) },
          ]}
        />
      </Card>
      <Card size="small" title={t('sterileSupply.centre.requests')} style={{ marginTop: 16 }}>
        <Form form={form} layout="inline" onFinish={(v) => void submit(v)} initialValues={{ quantity: 1, neededOn: dayjs().add(1, 'day') }}>
          <Form.Item name="packTypeId" rules={[{ required: true, message: t('sterileSupply.centre.choosePack') }]}>
            <Select style={{ minWidth: 180 }} placeholder={t('sterileSupply.cols.pack')} options={(dept.data?.packTypes ?? []).map((p) => ({ value: p.id, label: p.lowUse ? `${p.name} (${t('sterileSupply.lowUse')})` : p.name }))} />
          </Form.Item>
          <Form.Item name="quantity" rules={[{ required: true }]}>
            <InputNumber min={1} max={500} />
          </Form.Item>
          <Form.Item name="neededOn" rules={[{ required: true }]}>
            <DatePicker />
          </Form.Item>
          <Form.Item>
            <Button type="primary" htmlType="submit">
              {t('sterileSupply.centre.request')}
            </Button>
          </Form.Item>
        </Form>
        <Typography.Paragraph type="secondary" style={{ marginTop: 8 }}>
          {t('sterileSupply.centre.lowUseHint')}
        </Typography.Paragraph>
        <Table
          size="small"
          rowKey="id"
          loading={requests.loading}
          dataSource={requests.data?.items ?? []}
          pagination={{ pageSize: 10 }}
          columns={[
            { title: t('sterileSupply.cols.pack'), dataIndex: 'packName' },
            { title: t('sterileSupply.cols.quantity'), dataIndex: 'quantity' },
            { title: t('sterileSupply.cols.neededOn'), dataIndex: 'neededOn' },
            { title: t('sterileSupply.cols.status'), render: (_, r) => <Tag>{t(`sterileSupply.requestStatus.${r.status}`)}</Tag> },
          ]}
        />
      </Card>
      <Space />
    </div>
  );
}
