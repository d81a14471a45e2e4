/**
 * The timeline API sends titles and details partly as English phrases and machine codes
 * ("hypertension follow-up", "outpatient", "FBG 7.2 · first_uncontrolled · next 2026-01-05").
 * These helpers show them in the UI language; anything not recognised is shown as sent.
 */

/** The few i18next features used here, so the helpers stay pure and testable. */
export type Translate = (key: string, options?: Record<string, unknown>) => string;

const CODE = /^[a-z][a-z0-9_]*$/;

/** A machine code in the UI language, or the code itself when the catalog has no wording. */
function code(t: Translate, value: string): string {
  return t(`timeline.codes.${value}`, { defaultValue: t(`servicePackage.${value}`, { defaultValue: value }) });
}

export function localizeTitle(t: Translate, kind: string, title: string): string {
  let m: RegExpExecArray | null;
  if (kind === 'encounter' && CODE.test(title)) return t(`timeline.encounterKinds.${title}`, { defaultValue: title });
  if ((m = /^([a-z_]+) follow-up$/.exec(title))) {
    return t('timeline.titles.followup', { programme: t(`timeline.programmes.${m[1]}`, { defaultValue: m[1] }) });
  }
  if ((m = /^([a-z_]+) screening$/.exec(title))) {
    return t('timeline.titles.screening', { what: t(`timeline.screenings.${m[1]}`, { defaultValue: m[1] }) });
  }
  if (title === 'self-care ability assessment') return t('timeline.titles.selfCare');
  if ((m = /^family doctor contract · (.+)$/.exec(title))) return t('timeline.titles.contract', { team: m[1] });
  if ((m = /^(up|down) referral · ([a-z_]+)$/.exec(title))) {
    return t('timeline.titles.referral', { direction: code(t, `referral_${m[1]}`), urgency: code(t, m[2]!) });
  }
  return title;
}

export function localizeDetailPart(t: Translate, part: string): string {
  let m: RegExpExecArray | null;
  if ((m = /^next (\d{4}-\d{2}-\d{2})$/.exec(part))) return t('timeline.parts.next', { date: m[1] });
  if ((m = /^FBG (\S+)$/.exec(part))) return t('timeline.parts.fbg', { value: m[1] });
  if ((m = /^dose (\S+)$/.exec(part))) return m[1] === '-' ? '' : t('timeline.parts.dose', { n: m[1] });
  // Codes for the coder, not the clinician: the raw detail stays available as a tooltip.
  if (/^LOINC \S+$/.test(part)) return '';
  if ((m = /^(\S+) mm\[Hg\]$/.exec(part))) return `${m[1]} mmHg`;
  if ((m = /^(\S+) \/min$/.exec(part))) return t('timeline.parts.perMinute', { value: m[1] });
  if ((m = /^(\d{4}-\d{2}-\d{2}) → (\d{4}-\d{2}-\d{2})$/.exec(part))) return `${m[1]} ~ ${m[2]}`;
  if (CODE.test(part)) return code(t, part);
  return part;
}

/** Details are ' · '-joined parts; each is localised on its own and empty parts dropped. */
export function localizeDetail(t: Translate, detail: string | null): string | null {
  if (!detail) return detail;
  const parts = detail
    .split(' · ')
    .map((p) => localizeDetailPart(t, p.trim()))
    .filter(Boolean);
  return parts.length ? parts.join(' · ') : null;
}
