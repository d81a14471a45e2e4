import { Alert, Button, Empty, Skeleton, Switch, Tag, Timeline } from 'antd';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { errorMessage } from '../../../i18n/errors';
import { countBy, formatOccurredAt, groupByYear } from '../../../lib/format';
import { useResidentTimeline } from '../residents.resource';
import { localizeDetail, localizeTitle } from '../timeline.labels';
import { TIMELINE_KINDS, type TimelineItem, type TimelineKind } from '../residents.types';

/** One colour per kind, used for the tag and the timeline dot. */
export const KIND_COLOURS: Record<TimelineKind, string> = {
  encounter: 'blue',
  followup: 'green',
  observation: 'cyan',
  condition: 'magenta',
  medication: 'purple',
  immunization: 'lime',
  screening: 'gold',
  assessment: 'orange',
  referral: 'volcano',
  contract: 'geekblue',
};

const DOT_COLOURS: Record<TimelineKind, string> = {
  encounter: '#1677ff',
  followup: '#389e0d',
  observation: '#08979c',
  condition: '#c41d7f',
  medication: '#531dab',
  immunization: '#7cb305',
  screening: '#d48806',
  assessment: '#d46b08',
  referral: '#d4380d',
  contract: '#1d39c4',
};

function TimelineEntry({ item }: { item: TimelineItem }) {
  const { t } = useTranslation();
  const cancelled = item.status === 'cancelled';
  const detail = localizeDetail(t, item.detail);
  return (
    <div
      className={cancelled ? 'kl-tl-item kl-tl-cancelled' : 'kl-tl-item'}
      data-testid="timeline-item"
      data-kind={item.kind}
      data-status={item.status}
    >
      <div className="kl-tl-line">
        <Tag color={cancelled ? 'default' : KIND_COLOURS[item.kind]} className="kl-tl-kind">
          {t(`timeline.kinds.${item.kind}`, { defaultValue: item.kind })}
        </Tag>
        <time className="kl-tl-date kl-mono" dateTime={item.occurredAt}>
          {formatOccurredAt(item.kind, item.occurredAt)}
        </time>
        <span className="kl-tl-title" title={item.title}>
          {localizeTitle(t, item.kind, item.title)}
        </span>
        {cancelled && (
          <Tag variant="outlined" className="kl-tl-cancel-tag">
            {t('timeline.cancelled')}
          </Tag>
        )}
      </div>
      {detail && (
        <div className="kl-tl-detail" title={item.detail ?? undefined}>
          {detail}
        </div>
      )}
      {item.institutionName && <div className="kl-tl-meta">{item.institutionName}</div>}
    </div>
  );
}

/** The one-person-one-record timeline, newest first, grouped by year, filterable by kind. */
export function TimelineTab({ residentId }: { residentId: string }) {
  const { t } = useTranslation();
  const timeline = useResidentTimeline(residentId, true);
  const [kinds, setKinds] = useState<TimelineKind[]>([]);
  const [showCancelled, setShowCancelled] = useState(true);

  const all = useMemo(() => timeline.data?.items ?? [], [timeline.data]);
  const counts = useMemo(() => countBy(all, (i) => i.kind), [all]);
  const visible = useMemo(
    () => all.filter((i) => (kinds.length === 0 || kinds.includes(i.kind)) && (showCancelled || i.status !== 'cancelled')),
    [all, kinds, showCancelled],
  );
  const groups = useMemo(() => groupByYear(visible), [visible]);
  const cancelledCount = all.filter((i) => i.status === 'cancelled').length;

  if (timeline.error) {
    return (
      <Alert
        type="error"
        showIcon
        title={errorMessage(t, timeline.error)}
        action={
          <Button size="small" onClick={timeline.reload}>
            {t('common.retry')}
          </Button>
        }
      />
    );
  }
  if (!timeline.data) return <Skeleton active paragraph={{ rows: 6 }} />;

  const toggle = (kind: TimelineKind) => setKinds((ks) => (ks.includes(kind) ? ks.filter((k) => k !== kind) : [...ks, kind]));

  return (
    <div className="kl-timeline" data-testid="timeline">
      <div className="kl-tl-toolbar">
        <Tag.CheckableTag checked={kinds.length === 0} onChange={() => setKinds([])}>
          {t('timeline.all')} <span className="kl-count">{all.length}</span>
        </Tag.CheckableTag>
        {TIMELINE_KINDS.filter((k) => counts[k]).map((k) => (
          <Tag.CheckableTag key={k} checked={kinds.includes(k)} onChange={() => toggle(k)}>
            {t(`timeline.kinds.${k}`)} <span className="kl-count">{counts[k]}</span>
          </Tag.CheckableTag>
        ))}
        {cancelledCount > 0 && (
          <label className="kl-tl-switch">
            <Switch size="small" checked={showCancelled} onChange={setShowCancelled} /> {t('timeline.showCancelled', { count: cancelledCount })}
          </label>
        )}
      </div>

      {groups.length === 0 ? (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t(all.length ? 'timeline.noneMatch' : 'timeline.empty')} />
      ) : (
        groups.map((group) => (
          <section key={group.year} className="kl-tl-year">
            <h4 className="kl-tl-year-title">
              {group.year} <span className="kl-muted kl-small">{t('timeline.itemCount', { count: group.items.length })}</span>
            </h4>
            <Timeline
              items={group.items.map((item) => ({
                key: `${item.kind}:${item.id}`,
                color: item.status === 'cancelled' ? 'gray' : DOT_COLOURS[item.kind],
                content: <TimelineEntry item={item} />,
              }))}
            />
          </section>
        ))
      )}
      {all.length >= 100 && <div className="kl-muted kl-small">{t('timeline.truncated', { limit: 100 })}</div>}
    </div>
  );
}
