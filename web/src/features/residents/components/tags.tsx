import { Tag, Tooltip } from 'antd';
import { useTranslation } from 'react-i18next';
import type { AccessBasis, RiskColour, Sex } from '../residents.types';

const ACCESS_COLOURS: Record<AccessBasis, string> = {
  self: 'blue',
  care_team: 'green',
  referral: 'cyan',
  break_glass: 'volcano',
};

/** Why the current user may open a record; null = no relationship (break-the-glass needed). */
export function AccessTag({ access }: { access: AccessBasis | null }) {
  const { t } = useTranslation();
  if (!access) {
    return (
      <Tooltip title={t('access.noneHint')}>
        <Tag variant="outlined" className="kl-tag-muted">
          {t('access.none')}
        </Tag>
      </Tooltip>
    );
  }
  return (
    <Tag color={ACCESS_COLOURS[access]} variant="filled">
      {t(`access.${access}`)}
    </Tag>
  );
}

export const RISK_HEX: Record<RiskColour, string> = { red: '#c92a2a', yellow: '#e8a100', green: '#2b8a3e' };

/** 三色管理 risk colour (红/黄/绿) as a dot + label. */
export function RiskBadge({ colour, rule }: { colour: RiskColour; rule?: string | null }) {
  const { t } = useTranslation();
  const badge = (
    <span className={`kl-risk kl-risk-${colour}`} data-testid="risk-colour" data-risk={colour}>
      <span className="kl-risk-dot" style={{ background: RISK_HEX[colour] }} aria-hidden />
      {t(`risk.${colour}`)}
    </span>
  );
  return rule ? <Tooltip title={rule}>{badge}</Tooltip> : badge;
}

export function SexLabel({ sex }: { sex: Sex }) {
  const { t } = useTranslation();
  return <>{t(`sex.${sex}`)}</>;
}
