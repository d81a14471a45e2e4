/** Shapes of the KPI API (server/src/kpi/kpi.routes.ts is the source of truth). */

export const KPI_LEVELS = ['region', 'institution', 'team', 'doctor'] as const;
export type KpiLevel = (typeof KPI_LEVELS)[number];

export interface Fraction {
  /** null when suppressed (small-cell rule: a count of 1–4 shown to an aggregate-only role). */
  numerator: number | null;
  denominator: number | null;
  /** 0–1, null when the denominator is 0 or the cell is suppressed. */
  rate: number | null;
  suppressed: boolean;
}

export interface IndicatorValue extends Fraction {
  code: string;
  nameZh: string;
  nameEn: string;
  target: number | null;
}

export interface KpiResponse {
  period: { from: string; to: string };
  level: KpiLevel;
  id: string | null;
  breakdownLevel: KpiLevel;
  indicators: IndicatorValue[];
  breakdown: { id: string; name: string; indicators: Record<string, Fraction> }[];
}

export interface IndicatorDefinition {
  code: string;
  nameZh: string;
  nameEn: string;
  numerator: string;
  denominator: string;
  target: number | null;
}

export type DrillSet = 'numerator' | 'denominator' | 'gap';

export interface DrillResident {
  id: string;
  name: string;
  sex: string;
  birthDate: string;
  nationalIdMasked: string | null;
  /** Units behind the number for this resident (e.g. follow-ups due). */
  units: number;
}

export interface KpiScope {
  level: KpiLevel;
  id: string | null;
  from: string;
  to: string;
}
