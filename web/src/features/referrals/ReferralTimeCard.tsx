import { Alert } from 'antd';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import { useResource } from '../../api/useResource';

interface ReferralTime {
  seen: number | null;
  medianHours: number | null;
  meanHours: number | null;
  withinTargetRate: number | null;
  targetHours: number;
  suppressed: boolean;
}

/** Referral time (request → arrival) for the KPI page's scope, against the 1-day target (seed 003). */
export function ReferralTimeCard({ scope }: { scope: { level: string; id: string | null; from: string; to: string } | null }) {
  const { t } = useTranslation();
  const time = useResource(scope ? `referral-time:${JSON.stringify(scope)}` : null, (signal) =>
    api.get<ReferralTime>('/api/kpi/referral-time', { query: { level: scope!.level, id: scope!.id ?? undefined, from: scope!.from, to: scope!.to }, signal }),
  );
  const d = time.data;
  if (!d) return null;
  const text = d.suppressed
    ? t('referral.kpi.suppressed')
    : d.seen
      ? t('referral.kpi.time', {
          n: d.seen,
          median: d.medianHours,
          mean: d.meanHours,
          rate: d.withinTargetRate === null ? '—' : `${Math.round(d.withinTargetRate * 1000) / 10}%`,
        })
      : t('referral.kpi.none');
  return <Alert type="info" showIcon className="kl-block-bottom" message={text} data-testid="kpi-referral-time" style={{ marginBottom: 12 }} />;
}
