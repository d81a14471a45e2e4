import { Card, Tag, Tooltip, Typography } from 'antd';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { formatDate, joinParts, maskNationalId, maskPhone } from '../../../lib/format';
import type { ResidentRecord } from '../residents.types';
import { AccessTag, RiskBadge, SexLabel } from './tags';

function Field({ label, children, wide, testId }: { label: string; children: ReactNode; wide?: boolean; testId?: string }) {
  return (
    <div className={wide ? 'kl-field kl-field-wide' : 'kl-field'} data-testid={testId}>
      <div className="kl-field-label">{label}</div>
      <div className="kl-field-value">{children}</div>
    </div>
  );
}

const Muted = () => <span className="kl-muted">—</span>;

/** The record's identity strip: who this is, how to reach them, who looks after them, what they have. */
export function ResidentHeader({ resident: r }: { resident: ResidentRecord }) {
  const { t } = useTranslation();
  const team = r.careTeam;
  const activeConditions = r.conditions.filter((c) => c.clinicalStatus !== 'resolved' && c.clinicalStatus !== 'inactive');

  return (
    <Card className="kl-resident-header" size="small" data-testid="resident-header">
      <div className="kl-rh-top">
        <div className="kl-rh-identity">
          <Typography.Title level={3} className="kl-rh-name" data-testid="resident-name">
            {r.name}
          </Typography.Title>
          <span className="kl-rh-demo">
            <SexLabel sex={r.sex} />
            <span className="kl-sep" />
            {t('common.ageYears', { count: r.age })}
            <span className="kl-sep" />
            <span className="kl-muted">{t('resident.bornOn', { date: formatDate(r.birthDate) })}</span>
          </span>
          {r.riskColour && <RiskBadge colour={r.riskColour} />}
          {r.status !== 'active' && (
            <Tag color={r.status === 'deceased' ? 'default' : 'orange'} data-testid="resident-status">
              {t(`resident.status.${r.status}`)}
            </Tag>
          )}
        </div>
        <div className="kl-rh-access">
          <span className="kl-muted kl-small">{t('resident.accessBasis')}</span>
          <AccessTag access={r.accessBasis} />
        </div>
      </div>

      <div className="kl-rh-grid">
        <Field label={t('resident.nationalId')} testId="resident-national-id">
          {r.nationalIdMasked ? <span className="kl-mono">{maskNationalId(r.nationalIdMasked)}</span> : <Muted />}
        </Field>
        <Field label={t('resident.phone')}>{r.phoneMasked ? <span className="kl-mono">{maskPhone(r.phoneMasked)}</span> : <Muted />}</Field>
        <Field label={t('resident.homeInstitution')}>{r.homeInstitution?.name ?? <Muted />}</Field>
        <Field label={t('resident.address')} wide>
          {r.address ?? <Muted />}
        </Field>
        <Field label={t('resident.careTeam')} wide testId="resident-care-team">
          {team ? (
            <>
              <div>{joinParts([team.teamName, team.institutionName])}</div>
              <div className="kl-muted kl-small">
                {joinParts([
                  team.gpName ? t('resident.gp', { name: team.gpName }) : null,
                  t('resident.contractPeriod', { start: formatDate(team.startDate), end: formatDate(team.endDate) }),
                  t(`servicePackage.${team.packageCode}`, { defaultValue: team.packageCode }),
                ])}
              </div>
            </>
          ) : (
            <span className="kl-muted">{t('resident.noContract')}</span>
          )}
        </Field>
        {team && team.keyPopulations.length > 0 && (
          <Field label={t('resident.keyPopulations')}>
            {team.keyPopulations.map((k) => (
              <Tag key={k} variant="outlined">
                {t(`keyPopulation.${k}`, { defaultValue: k })}
              </Tag>
            ))}
          </Field>
        )}
      </div>

      {(activeConditions.length > 0 || r.programmes.length > 0) && (
        <div className="kl-rh-clinical">
          {activeConditions.length > 0 && (
            <div className="kl-rh-row">
              <span className="kl-field-label">{t('resident.conditions')}</span>
              {activeConditions.map((c) => (
                <Tooltip key={c.id} title={t('resident.diagnosedOn', { date: formatDate(c.diagnosedOn) })}>
                  <Tag color="geekblue" data-testid="condition">
                    {c.display}
                    {c.icd10 && <span className="kl-tag-code">{c.icd10}</span>}
                  </Tag>
                </Tooltip>
              ))}
            </div>
          )}
          {r.programmes.length > 0 && (
            <div className="kl-rh-row">
              <span className="kl-field-label">{t('resident.programmes')}</span>
              {r.programmes.map((p) => (
                <span key={p.programme} className="kl-programme" data-testid="programme">
                  {p.riskColour && <span className="kl-risk-dot" data-risk={p.riskColour} aria-hidden />}
                  <strong>{t(`programme.${p.programme}`)}</strong>
                  {p.riskColour && <span className="kl-muted"> · {t(`risk.${p.riskColour}`)}</span>}
                  {p.nextDueDate && <span className="kl-muted"> · {t('resident.nextDue', { date: formatDate(p.nextDueDate) })}</span>}
                </span>
              ))}
            </div>
          )}
        </div>
      )}
    </Card>
  );
}
