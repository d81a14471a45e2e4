import { Alert, App, Button, Card, Form, Result, Skeleton, Space, Tag, Typography } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useLocation, useNavigate, useParams } from 'react-router-dom';
import { isApiError, type FieldIssue } from '../../api/client';
import { CLINICAL_ROLES } from '../../app/nav';
import { errorMessage } from '../../i18n/errors';
import { formatDate, todayInChina } from '../../lib/format';
import { useCurrentUser } from '../auth/auth.resource';
import { useFormOptions } from '../reference/reference.resource';
import { RiskBadge, SexLabel } from '../residents/components/tags';
import { recordActionsFor } from '../residents/record-actions.logic';
import { useResident } from '../residents/residents.resource';
import { ClassificationAlert, ClassificationTag } from './components/ClassificationAlert';
import { FollowUpFields } from './components/FollowUpFields';
import { buildFollowUpBody, issuesToFields, readyToClassify, type FollowUpFormValues } from './followup.logic';
import { useLiveClassification, useSaveFollowUp } from './followup.resource';
import type { FollowUpProgramme, RecordedFollowUp } from './followup.types';

type Values = Omit<FollowUpFormValues, 'visitDate'> & { visitDate?: Dayjs | null };

const isProgramme = (p: string | undefined): p is FollowUpProgramme => p === 'hypertension' || p === 'diabetes';

/** Top-level form fields; a server issue on anything else is shown above the save button. */
const FORM_FIELDS = new Set([
  'visitDate',
  'visitMode',
  'symptoms',
  'otherSymptoms',
  'sbp',
  'dbp',
  'heartRate',
  'weightKg',
  'heightCm',
  'waistCm',
  'fbg',
  'randomGlucose',
  'hba1c',
  'temperatureC',
  'lifestyle',
  'adherence',
  'adverseReaction',
  'adverseReactionDetail',
  'newComplication',
  'complicationDetail',
  'hypoglycaemiaReaction',
  'medications',
  'note',
]);

function toBody(programme: FollowUpProgramme, v: Values) {
  return buildFollowUpBody(programme, { ...v, visitDate: v.visitDate ? v.visitDate.format('YYYY-MM-DD') : undefined });
}

/** 随访服务记录表 for hypertension or type 2 diabetes, classified live by the national rules. */
export default function FollowUpPage() {
  const { t } = useTranslation();
  const { id, programme } = useParams<{ id: string; programme: string }>();
  const user = useCurrentUser();
  if (!id || !isProgramme(programme)) return <Result status="404" title={t('errors.pageNotFound')} />;
  // Follow-ups are recorded by the care team.
  if (!CLINICAL_ROLES.includes(user.role)) return <Result status="403" title={t('errors.codes.forbidden')} />;
  return <FollowUp residentId={id} programme={programme} />;
}

function FollowUp({ residentId, programme }: { residentId: string; programme: FollowUpProgramme }) {
  const { t, i18n } = useTranslation();
  const { notification, modal } = App.useApp();
  const navigate = useNavigate();
  const location = useLocation();
  const user = useCurrentUser();
  const from = (location.state as { from?: string } | null)?.from;
  const resident = useResident(residentId);
  const options = useFormOptions();
  const save = useSaveFollowUp(residentId);
  const [form] = Form.useForm<Values>();
  const initialValues = useMemo<Values>(
    // The server's today (China time), whatever the workstation's clock zone.
    () => ({
      visitDate: dayjs(todayInChina()),
      visitMode: 'clinic',
      adverseReaction: 'none',
      newComplication: false,
      symptoms: [],
      medications: [],
    }),
    [],
  );
  const [values, setValues] = useState<Values>(initialValues);
  const [otherIssues, setOtherIssues] = useState<FieldIssue[]>([]);

  const body = toBody(programme, values);
  const ready = readyToClassify(body);
  const live = useLiveClassification(residentId, ready ? body : null);

  const r = resident.data;
  const enrolment = r?.programmes.find((p) => p.programme === programme);

  useEffect(() => {
    if (r) document.title = `${r.name} · ${t(`followup.title.${programme}`)} · ${t('app.name')}`;
    return () => {
      document.title = t('app.documentTitle');
    };
  }, [r, programme, t]);

  const goBack = () => {
    if (from && location.key !== 'default') navigate(-1);
    else navigate(`/residents/${residentId}?tab=programmes`);
  };

  const showResult = (res: RecordedFollowUp) => {
    const reason = i18n.language === 'en' ? res.riskReasonEn : res.riskReasonZh;
    notification.success({
      key: `followup-${res.id}`,
      title: t('followup.saved', { name: r?.name ?? '' }),
      duration: 8,
      description: (
        <div className="kl-saved" data-testid="followup-result">
          <div>
            <ClassificationTag code={res.classification} /> {i18n.language === 'en' ? res.messageEn : res.messageZh}
          </div>
          <div>
            {t('followup.nextVisit')}: <strong className="kl-mono">{formatDate(res.nextDueDate)}</strong>
          </div>
          <div className="kl-saved-risk">
            <RiskBadge colour={res.riskColour} /> <span className="kl-muted">{reason}</span>
          </div>
          {res.reminders?.length ? (
            <div data-testid="followup-reminders">
              {t('followup.reminders')}: {res.reminders.map((x) => (i18n.language === 'en' ? x.en : x.zh)).join('；')}
            </div>
          ) : null}
        </div>
      ),
    });
  };

  const onFinish = async (v: Values) => {
    setOtherIssues([]);
    try {
      const res = await save.run(toBody(programme, v));
      showResult(res);
      // Urgent or suggested referral: the prefilled referral comes next (it can be skipped there).
      if (res.urgentReferral || res.referralSuggested) navigate(`/referrals/new?residentId=${residentId}&followupVisitId=${res.id}`);
      else goBack();
    } catch (e) {
      const err = isApiError(e) ? e : undefined;
      if (err?.code === 'duplicate_visit') {
        // A second visit of the programme on the same date: saved only when the clinician confirms it.
        const separate = await modal.confirm({
          title: t('followup.sameDayTitle'),
          content: t('followup.sameDayBody', { programme: t(`followup.title.${programme}`) }),
          okText: t('followup.sameDayConfirm'),
          cancelText: t('followup.sameDayCancel'),
        });
        if (separate) {
          try {
            const res = await save.run({ ...toBody(programme, v), separateVisit: true });
            showResult(res);
            goBack();
          } catch {
            /* the save hook reports its own errors */
          }
        }
        return;
      }
      if (err?.issues.length) {
        const { fields, rest } = issuesToFields(err.issues, (path) => FORM_FIELDS.has(String(path[0])));
        form.setFields(fields as Parameters<typeof form.setFields>[0]);
        setOtherIssues(rest);
      }
    }
  };

  if (resident.error) {
    return (
      <div className="kl-page">
        <Result
          status={resident.error.status === 403 ? '403' : resident.error.status === 404 ? '404' : 'error'}
          title={resident.error.status === 403 ? t('record.forbidden') : errorMessage(t, resident.error)}
          extra={<Button onClick={goBack}>{t('common.back')}</Button>}
        />
      </div>
    );
  }

  // Reached by URL inside break-the-glass (or without the right): the form is not offered.
  if (
    r &&
    !recordActionsFor({
      role: user.role,
      basis: r.accessBasis,
      userTeamIds: user.teams.map((x) => x.id),
      contractTeamId: r.careTeam?.teamId ?? null,
    }).followUp
  ) {
    return (
      <div className="kl-page">
        <Result
          status="403"
          title={r.accessBasis === 'break_glass' ? t('emergencyAccess.followUpRefused') : t('errors.codes.forbidden')}
          subTitle={r.accessBasis === 'break_glass' ? t('emergencyAccess.followUpRefusedHint') : undefined}
          extra={<Button onClick={goBack}>{t('common.back')}</Button>}
          data-testid="followup-refused"
        />
      </div>
    );
  }

  const notEnrolled = !!r && !enrolment;
  const saveError = save.error && !save.error.issues.length ? save.error : undefined;
  const reason = enrolment
    ? i18n.language === 'en'
      ? (enrolment.riskReasonEn ?? enrolment.riskReason)
      : (enrolment.riskReason ?? enrolment.riskReasonEn)
    : null;

  return (
    <div className="kl-page kl-followup-page">
      <div className="kl-record-nav">
        <Button size="small" onClick={goBack} className="kl-back" data-testid="followup-back">
          ← {from ? t('followup.backToWorklist') : t('followup.backToRecord')}
        </Button>
      </div>

      <Card size="small" className="kl-followup-head" data-testid="followup-head">
        {!r ? (
          <Skeleton active title={false} paragraph={{ rows: 1 }} />
        ) : (
          <div className="kl-fh-row">
            <Typography.Title level={4} className="kl-fh-title">
              {t(`followup.title.${programme}`)}
            </Typography.Title>
            <Link to={`/residents/${r.id}`} className="kl-fh-name" data-testid="followup-resident-name">
              {r.name}
            </Link>
            <span>
              <SexLabel sex={r.sex} /> · {t('common.ageYears', { count: r.age })}
            </span>
            {enrolment?.riskColour && <RiskBadge colour={enrolment.riskColour} rule={reason} />}
            {enrolment?.lastVisitDate && (
              <span className="kl-muted">
                {t('followup.lastVisit', { date: formatDate(enrolment.lastVisitDate) })}
                {enrolment.lastControlled !== null && enrolment.lastControlled !== undefined && (
                  <Tag className="kl-tag-tight" color={enrolment.lastControlled ? 'green' : 'orange'} style={{ marginLeft: 6 }}>
                    {enrolment.lastControlled ? t('followup.wasControlled') : t('followup.wasUncontrolled')}
                  </Tag>
                )}
              </span>
            )}
            {enrolment?.nextDueDate && (
              <span className={enrolment.nextDueDate < todayInChina() ? 'kl-danger-text' : 'kl-muted'} data-testid="followup-next-due">
                {t('resident.nextDue', { date: formatDate(enrolment.nextDueDate) })}
                {enrolment.nextDueDate < todayInChina() && ` · ${t('followup.overdue')}`}
              </span>
            )}
            <span className="kl-grow" />
            <span className="kl-muted kl-small">{t('followup.recordedBy', { name: user.displayName })}</span>
          </div>
        )}
      </Card>

      {notEnrolled && (
        <Alert
          type="warning"
          showIcon
          className="kl-block"
          title={t('followup.notEnrolled', { programme: t(`programme.${programme}`) })}
          action={
            <Link to={`/residents/${residentId}?tab=programmes`}>
              <Button size="small">{t('followup.openProgrammes')}</Button>
            </Link>
          }
          data-testid="followup-not-enrolled"
        />
      )}

      <Form<Values>
        form={form}
        layout="vertical"
        size="middle"
        initialValues={initialValues}
        onValuesChange={(_, all) => setValues(all)}
        onFinish={onFinish}
        scrollToFirstError
        requiredMark
        className="kl-followup-form"
        onKeyDown={(e) => {
          // Ctrl/⌘+Enter saves from anywhere in the form.
          if ((e.ctrlKey || e.metaKey) && e.key === 'Enter') {
            e.preventDefault();
            form.submit();
          }
        }}
      >
        <div className="kl-followup-grid">
          <div className="kl-followup-main">
            {options.error && <Alert type="warning" showIcon className="kl-block" title={errorMessage(t, options.error)} />}
            <FollowUpFields programme={programme} symptoms={options.data?.urgentSymptoms[programme] ?? []} language={i18n.language} />
          </div>
          <aside className="kl-followup-aside">
            <div className="kl-sticky">
              <div className="kl-aside-title">{t('followup.classification')}</div>
              <ClassificationAlert
                programme={programme}
                visitDate={body.visitDate}
                ready={ready}
                data={live.data}
                error={live.error}
                pending={live.pending}
                symptoms={options.data?.urgentSymptoms[programme] ?? []}
              />
              {otherIssues.length > 0 && (
                <Alert
                  type="error"
                  showIcon
                  className="kl-block-top"
                  title={otherIssues.map((i) => `${i.field}: ${i.message}`).join('；')}
                />
              )}
              {saveError && (
                <Alert
                  type="error"
                  showIcon
                  className="kl-block-top"
                  data-testid="followup-save-error"
                  title={
                    saveError.code === 'not_enrolled'
                      ? t('followup.notEnrolled', { programme: t(`programme.${programme}`) })
                      : errorMessage(t, saveError)
                  }
                />
              )}
              <Space className="kl-aside-actions" wrap>
                <Button type="primary" htmlType="submit" loading={save.pending} disabled={notEnrolled} data-testid="followup-save">
                  {t('followup.save')}
                </Button>
                <Button onClick={goBack} disabled={save.pending}>
                  {t('common.cancel')}
                </Button>
                <span className="kl-muted kl-small">
                  <kbd>Ctrl</kbd>+<kbd>Enter</kbd> {t('followup.kbdSave')}
                </span>
              </Space>
            </div>
          </aside>
        </div>
      </Form>
    </div>
  );
}
