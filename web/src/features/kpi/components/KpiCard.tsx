import { Tooltip } from 'antd';
import type { KeyboardEvent, MouseEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { countText, formatRate, targetStatus } from '../kpi.logic';
import type { DrillSet, IndicatorDefinition, IndicatorValue } from '../kpi.types';

interface Props {
  value: IndicatorValue;
  definition: IndicatorDefinition | undefined;
  selected: boolean;
  onSelect: () => void;
  /** Present when the user may list the residents behind the numbers (team or doctor level, care team). */
  onDrill?: (set: DrillSet) => void;
}

/** Text of the KPI dictionary in the UI language (the server's is English; the catalogs carry Chinese). */
export function useDefinitionText() {
  const { t } = useTranslation();
  return (d: IndicatorDefinition | undefined, code: string, part: 'numerator' | 'denominator') =>
    t(`kpi.dictionary.${code}.${part}`, { defaultValue: d?.[part] ?? '' });
}

/** One indicator: rate, numerator/denominator, the target where there is one; click to chart it. */
export function KpiCard({ value: v, definition, selected, onSelect, onDrill }: Props) {
  const { t, i18n } = useTranslation();
  const text = useDefinitionText();
  const status = targetStatus(v.rate, v.target);
  const name = i18n.language === 'en' ? v.nameEn : v.nameZh;
  const pct = v.rate === null ? 0 : Math.min(100, v.rate * 100);
  const gap = v.denominator !== null && v.numerator !== null ? v.denominator - v.numerator : 0;

  const onKey = (e: KeyboardEvent<HTMLDivElement>) => {
    if (e.target !== e.currentTarget) return;
    if (e.key === 'Enter' || e.key === ' ') {
      e.preventDefault();
      onSelect();
    }
  };
  const drill = (set: DrillSet) => (e: MouseEvent) => {
    e.stopPropagation();
    onDrill?.(set);
  };
  const num = (n: number | null, set: DrillSet, testId: string) =>
    n === null ? (
      <span data-testid={testId} title={t('kpi.suppressed')}>
        {countText(n)}
      </span>
    ) : onDrill && n > 0 ? (
      <button type="button" className="kl-link-btn" onClick={drill(set)} data-testid={testId} title={t(`kpi.drill.${set}`)}>
        {n.toLocaleString()}
      </button>
    ) : (
      <span data-testid={testId}>{n.toLocaleString()}</span>
    );

  return (
    <div
      role="button"
      tabIndex={0}
      aria-pressed={selected}
      className={`kl-kpi-card${selected ? ' kl-kpi-selected' : ''}${status ? ` kl-kpi-${status}` : ''}`}
      onClick={onSelect}
      onKeyDown={onKey}
      data-testid="kpi-card"
      data-code={v.code}
    >
      <div className="kl-kpi-name">
        <span>{name}</span>
        <Tooltip
          title={
            <div className="kl-kpi-def">
              <div>
                <strong>{t('kpi.numerator')}</strong>：{text(definition, v.code, 'numerator')}
              </div>
              <div>
                <strong>{t('kpi.denominator')}</strong>：{text(definition, v.code, 'denominator')}
              </div>
            </div>
          }
        >
          <span className="kl-kpi-info" aria-label={t('kpi.definition')} onClick={(e) => e.stopPropagation()}>
            i
          </span>
        </Tooltip>
      </div>
      <div className="kl-kpi-rate" data-testid="kpi-rate">
        {formatRate(v.rate)}
      </div>
      <div className="kl-kpi-bar" aria-hidden>
        <div className="kl-kpi-fill" style={{ width: `${pct}%` }} />
        {v.target !== null && <div className="kl-kpi-target" style={{ left: `${v.target * 100}%` }} />}
      </div>
      <div className="kl-kpi-meta">
        <span className="kl-kpi-fraction">
          {num(v.numerator, 'numerator', 'kpi-numerator')} / {num(v.denominator, 'denominator', 'kpi-denominator')}
        </span>
        {onDrill && gap > 0 && (
          <button type="button" className="kl-link-btn kl-kpi-gap" onClick={drill('gap')} data-testid="kpi-gap">
            {t('kpi.gap', { count: gap })}
          </button>
        )}
        {v.target !== null && (
          <span className={`kl-kpi-target-text${status ? ` kl-kpi-target-${status}` : ''}`}>
            {t('kpi.target', { rate: Math.round(v.target * 100) })}
            {status && ` · ${t(`kpi.targetStatus.${status}`)}`}
          </span>
        )}
      </div>
    </div>
  );
}
