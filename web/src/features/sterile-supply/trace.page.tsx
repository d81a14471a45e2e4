import { Card, Descriptions, QRCode, Result, Space, Spin, Tag, Timeline, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { useParams } from 'react-router-dom';
import { errorMessage } from '../../i18n/errors';
import { useTrace } from './sterile-supply.resource';

/**
 * The pack label (WS 310.2: name, packer, steriliser, load, sterilisation date, expiry) with its QR code for printing,
 * and the trace behind it: load, steriliser, monitoring, where it went and what became of it.
 */
export default function SupplyTracePage() {
  const { t } = useTranslation();
  const { label = '' } = useParams();
  const trace = useTrace(label || null);
  if (trace.error) return <Result status="warning" title={errorMessage(t, trace.error)} />;
  if (!trace.data) return <Spin />;
  const { pack, batch, steriliser, monitoring, issue, use, recall } = trace.data;
  const res = (r: string | null) => (r ? <Tag color={r === 'pass' ? 'green' : 'red'}>{t(`sterileSupply.result.${r}`)}</Tag> : <Tag>{t('sterileSupply.result.none')}</Tag>);
  return (
    <div className="kl-page kl-ss-page">
      <Space wrap align="start" size={16}>
        <Card size="small" className="kl-ss-label-card" data-testid="pack-label">
          <Space align="start">
            <QRCode value={pack.label} size={112} bordered={false} />
            <div>
              <Typography.Title level={4} style={{ margin: 0 }}>
                {pack.name}
              </Typography.Title>
              <div className="kl-ss-label">{pack.label}</div>
              <div>{t('sterileSupply.trace.packer')}: {pack.packer}</div>
              <div>{t('sterileSupply.trace.steriliser')}: {steriliser.code} · {t('sterileSupply.trace.batch')} {batch.batchNo}</div>
              <div>{t('sterileSupply.trace.sterilisedOn')}: {pack.sterilisedOn}</div>
              <div>
                <strong>{t('sterileSupply.trace.expiresOn')}: {pack.expiresOn}</strong>
              </div>
            </div>
          </Space>
        </Card>
        <Card size="small" title={t('sterileSupply.trace.title')} style={{ minWidth: 320, maxWidth: 640 }}>
          <Descriptions size="small" column={1}>
            <Descriptions.Item label={t('sterileSupply.cols.status')}>
              <Tag color={pack.status === 'recalled' ? 'red' : 'blue'} data-testid="pack-status">{t(`sterileSupply.packStatus.${pack.status}`)}</Tag>
            </Descriptions.Item>
            <Descriptions.Item label={t('sterileSupply.trace.material')}>{t(`sterileSupply.materials.${pack.material}`)}</Descriptions.Item>
            <Descriptions.Item label={t('sterileSupply.trace.method')}>{t(`sterileSupply.methods.${pack.method}`)}</Descriptions.Item>
            <Descriptions.Item label={t('sterileSupply.trace.contents')}>{pack.contents.map((c) => `${c.name}${c.spec ? ` ${c.spec}` : ''} ×${c.quantity}`).join('、') || '—'}</Descriptions.Item>
            <Descriptions.Item label={t('sterileSupply.trace.physical')}>
              {res(batch.physicalPass === null ? null : batch.physicalPass ? 'pass' : 'fail')} {batch.temperatureC ?? '—'} ℃ · {batch.pressureKpa ?? '—'} kPa · {batch.exposureMinutes ?? '—'} min
            </Descriptions.Item>
            <Descriptions.Item label={t('sterileSupply.trace.chemical')}>
              {res(pack.chemicalExternal)} {pack.chemicalInternal && <>/ {res(pack.chemicalInternal)}</>}
            </Descriptions.Item>
            <Descriptions.Item label="B-D">{monitoring.bowieDick.length ? monitoring.bowieDick.map((b, i) => <span key={i}>{b.testedOn} {res(b.result)}</span>) : '—'}</Descriptions.Item>
            <Descriptions.Item label={t('sterileSupply.bi')}>{monitoring.biological.length ? monitoring.biological.map((b, i) => <span key={i}>{b.readOn} {res(b.result)}</span>) : '—'}</Descriptions.Item>
            <Descriptions.Item label={t('sterileSupply.trace.released')}>{batch.releasedAt ? `${batch.releasedAt.slice(0, 10)} ${batch.releasedBy ?? ''}` : '—'}</Descriptions.Item>
          </Descriptions>
          <Timeline
            items={[
              ...(issue ? [{ children: t('sterileSupply.trace.issued', { centre: issue.centreName, date: issue.issuedOn, route: issue.routeName, nurse: issue.nurse }) }] : []),
              ...(use ? [{ color: 'green', children: t('sterileSupply.trace.used', { date: use.usedOn }) + (use.encounterId ? ` · ${t('sterileSupply.trace.encounter')}` : '') }] : []),
              ...(recall ? [{ color: 'red', children: t('sterileSupply.trace.recalled', { date: recall.openedOn }) }] : []),
            ]}
          />
        </Card>
      </Space>
    </div>
  );
}
