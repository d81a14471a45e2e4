import { Alert, Spin, Tag } from 'antd';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { ApiError } from '../../../api/client';
import { errorMessage } from '../../../i18n/errors';
import { formatDate } from '../../../lib/format';
import type { CodeLabel } from '../../reference/reference.types';
import { SEVERITY_TAG_COLOUR, classificationSeverity } from '../followup.logic';
import type { Classification, FollowUpProgramme } from '../followup.types';

/** Whole days from `from` to `to` (YYYY-MM-DD), for "in 14 days". */
function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(to) - Date.parse(from)) / 86_400_000);
}

export function ClassificationTag({ code, solid }: { code: Classification['classification']; solid?: boolean }) {
  const { t } = useTranslation();
  return (
    <Tag
      color={SEVERITY_TAG_COLOUR[classificationSeverity(code)]}
      variant={solid ? 'solid' : undefined}
      className="kl-class-tag"
      data-testid="classification-tag"
    >
      {t(`classification.${code}`)}
    </Tag>
  );
}

/** One finding behind the classification, in the UI language (symptom codes through the form options). */
function useReasonLabel(symptoms: readonly CodeLabel[]) {
  const { t, i18n } = useTranslation();
  return (reason: string): string => {
    const m = /^urgent_symptom:(.+)$/.exec(reason);
    if (m) {
      const s = symptoms.find((x) => x.code === m[1]);
      const label = s ? (i18n.language === 'en' ? s.en : s.zh) : m[1];
      return t('followup.reasons.urgentSymptom', { symptom: label });
    }
    return t(`followup.reasons.${reason}`, { defaultValue: reason });
  };
}

interface Props {
  programme: FollowUpProgramme;
  visitDate: string | undefined;
  /** True once the deciding values are entered (BP, or FBG). */
  ready: boolean;
  data: Classification | undefined;
  error: ApiError | undefined;
  pending: boolean;
  symptoms: readonly CodeLabel[];
}

/**
 * The live classification of the visit being recorded (分类干预): the category, what to do, when to come
 * back, whether to refer — computed by the server's rules as the values are typed, before saving.
 */
export function ClassificationAlert({ programme, visitDate, ready, data, error, pending, symptoms }: Props) {
  const { t, i18n } = useTranslation();
  const reasonLabel = useReasonLabel(symptoms);

  if (!ready) {
    return (
      <Alert
        type="info"
        showIcon
        className="kl-class-alert"
        data-testid="followup-classification-hint"
        title={t(programme === 'hypertension' ? 'followup.classifyHintBp' : 'followup.classifyHintFbg')}
      />
    );
  }
  if (error && !data) {
    const issues = error.issues.map(
      (i) => `${t(`followup.fieldNames.${i.field.replace(/^body\./, '')}`, { defaultValue: i.field })}: ${i.message}`,
    );
    return (
      <Alert
        type="warning"
        showIcon
        className="kl-class-alert"
        data-testid="followup-classification-error"
        title={t('followup.classifyFailed')}
        description={issues.length ? issues.join('；') : errorMessage(t, error)}
      />
    );
  }
  if (!data) {
    return (
      <Alert
        type="info"
        className="kl-class-alert"
        title={
          <span>
            <Spin size="small" /> {t('followup.classifying')}
          </span>
        }
      />
    );
  }

  const severity = classificationSeverity(data.classification);
  const message = i18n.language === 'en' ? data.messageEn : data.messageZh;
  const inDays = visitDate ? daysBetween(visitDate, data.nextDueDate) : null;
  const referral = data.urgentReferral ? 'urgent' : data.referralSuggested ? 'suggested' : 'none';

  const rows: [string, ReactNode][] = [
    [
      t('followup.nextVisit'),
      <span key="next">
        <strong className="kl-mono" data-testid="classification-next-due">
          {formatDate(data.nextDueDate)}
        </strong>
        {inDays !== null && <span className="kl-muted"> （{t('followup.inDays', { count: inDays })}）</span>}
      </span>,
    ],
    [
      t('followup.referral'),
      <span key="ref" className={referral === 'none' ? undefined : 'kl-danger-text'}>
        {t(`followup.referralAdvice.${referral}`)}
      </span>,
    ],
    [
      t('followup.previousVisit'),
      data.previousVisit ? (
        <span key="prev">
          <span className="kl-mono">{formatDate(data.previousVisit.visitDate)}</span> ·{' '}
          {data.previousVisit.controlled ? t('followup.wasControlled') : t('followup.wasUncontrolled')}
        </span>
      ) : (
        <span key="prev" className="kl-muted">
          {t('followup.noPreviousVisit')}
        </span>
      ),
    ],
  ];
  if (data.target)
    rows.push([t('followup.target'), <span key="target">{t('followup.bpTarget', { sbp: data.target.sbp, dbp: data.target.dbp })}</span>]);
  if (data.bmi !== null) rows.push([t('followup.bmi'), <span key="bmi">{data.bmi.toFixed(1)}</span>]);
  const reasons = data.reasons.map(reasonLabel);

  return (
    <Alert
      type={severity}
      showIcon
      className={`kl-class-alert kl-class-${severity}${pending ? ' kl-stale' : ''}`}
      data-testid="followup-classification"
      data-classification={data.classification}
      title={
        <div className="kl-class-title">
          <ClassificationTag code={data.classification} solid />
          <span className="kl-class-message" data-testid="classification-message">
            {message}
          </span>
          {pending && <Spin size="small" />}
        </div>
      }
      description={
        <div className="kl-class-body">
          <dl className="kl-dl">
            {rows.map(([k, v]) => (
              <div key={k} className="kl-dl-row">
                <dt>{k}</dt>
                <dd>{v}</dd>
              </div>
            ))}
          </dl>
          {reasons.length > 0 && (
            <div className="kl-class-reasons">
              <span className="kl-muted kl-small">{t('followup.basis')}</span>
              {reasons.map((r) => (
                <Tag key={r} variant="outlined" className="kl-tag-tight">
                  {r}
                </Tag>
              ))}
            </div>
          )}
        </div>
      }
    />
  );
}
