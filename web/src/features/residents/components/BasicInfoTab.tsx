import { Descriptions, Tag, type DescriptionsProps } from 'antd';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { formatDate, maskPhone } from '../../../lib/format';
import type { BasicInfo, ResidentRecord } from '../residents.types';

type Item = NonNullable<DescriptionsProps['items']>[number];

/** 个人基本信息表, read-only. "未记录" when a field was never filled in; "无" when it was recorded as none. */
export function BasicInfoTab({ resident }: { resident: ResidentRecord }) {
  const { t } = useTranslation();
  const b: BasicInfo = resident.basicInfo ?? {};

  const unknown = <span className="kl-muted">{t('basic.notRecorded')}</span>;
  const none = <span>{t('basic.none')}</span>;

  const text = (v: string | undefined | null): ReactNode => (v ? v : unknown);
  const list = (values: string[] | undefined, colour?: string): ReactNode => {
    if (!values) return unknown;
    if (values.length === 0) return none;
    return values.map((v) => (
      <Tag key={v} color={colour} className="kl-tag-tight">
        {v}
      </Tag>
    ));
  };
  const dated = <T,>(values: T[] | undefined, name: (v: T) => string, date: (v: T) => string | undefined): ReactNode => {
    if (!values) return unknown;
    if (values.length === 0) return none;
    return (
      <ul className="kl-plain-list">
        {values.map((v, i) => (
          <li key={i}>
            {name(v)}
            {date(v) && <span className="kl-muted"> · {formatDate(date(v))}</span>}
          </li>
        ))}
      </ul>
    );
  };

  const bloodType = (): ReactNode => {
    if (!b.bloodType && b.rhNegative === undefined) return unknown;
    const parts = [b.bloodType ? t(`basic.bloodTypes.${b.bloodType}`) : null];
    if (b.rhNegative !== undefined) parts.push(b.rhNegative ? t('basic.rhNegative') : t('basic.rhPositive'));
    return parts.filter(Boolean).join(' / ');
  };

  const family = b.familyHistory;
  const familyList = (values: string[] | undefined) => (family ? list(values ?? []) : unknown);
  const living = b.living;
  const livingText = (v: string | undefined) => (living ? text(v) : unknown);

  const personal: Item[] = [
    { key: 'ethnicity', label: t('basic.ethnicity'), children: text(b.ethnicity) },
    { key: 'bloodType', label: t('basic.bloodType'), children: bloodType() },
    { key: 'occupation', label: t('basic.occupation'), children: text(b.occupation) },
    {
      key: 'maritalStatus',
      label: t('basic.maritalStatus'),
      children: b.maritalStatus ? t(`basic.marital.${b.maritalStatus}`) : unknown,
    },
    { key: 'workplace', label: t('basic.workplace'), children: text(b.workplace) },
    {
      key: 'insurance',
      label: t('basic.insuranceTypes'),
      children: b.insuranceTypes ? list(b.insuranceTypes.map((i) => t(`basic.insurance.${i}`))) : unknown,
    },
    { key: 'contactName', label: t('basic.contactName'), children: text(b.contactName) },
    {
      key: 'contactPhone',
      label: t('basic.contactPhone'),
      children: b.contactPhone ? <span className="kl-mono">{maskPhone(b.contactPhone)}</span> : unknown,
    },
    {
      key: 'identifiers',
      label: t('basic.identifiers'),
      children:
        resident.identifiers.length === 0
          ? none
          : resident.identifiers.map((id) => (
              <div key={`${id.system}:${id.masked}`}>
                <span className="kl-muted">{t(`identifierSystem.${id.system}`, { defaultValue: id.system })}</span>{' '}
                <span className="kl-mono">{id.masked}</span>
              </div>
            )),
    },
  ];

  const history: Item[] = [
    { key: 'drugAllergies', label: t('basic.drugAllergies'), children: list(b.drugAllergies, 'red'), span: 'filled' },
    { key: 'exposures', label: t('basic.exposures'), children: list(b.exposures, 'orange'), span: 'filled' },
    {
      key: 'pastDiseases',
      label: t('basic.pastDiseases'),
      span: 'filled',
      children: dated(
        b.pastDiseases,
        (d) => (d.icd10 ? `${d.name}（${d.icd10}）` : d.name),
        (d) => d.diagnosedOn,
      ),
    },
    { key: 'surgeries', label: t('basic.surgeries'), children: dated(b.surgeries, (s) => s.name, (s) => s.date) },
    { key: 'traumas', label: t('basic.traumas'), children: dated(b.traumas, (s) => s.name, (s) => s.date) },
    { key: 'transfusions', label: t('basic.transfusions'), children: dated(b.transfusions, (s) => s.reason, (s) => s.date) },
    { key: 'father', label: t('basic.family.father'), children: familyList(family?.father) },
    { key: 'mother', label: t('basic.family.mother'), children: familyList(family?.mother) },
    { key: 'siblings', label: t('basic.family.siblings'), children: familyList(family?.siblings) },
    { key: 'children', label: t('basic.family.children'), children: familyList(family?.children) },
    { key: 'disabilities', label: t('basic.disabilities'), children: list(b.disabilities), span: 'filled' },
  ];

  const environment: Item[] = [
    { key: 'kitchenExhaust', label: t('basic.living.kitchenExhaust'), children: livingText(living?.kitchenExhaust) },
    { key: 'fuel', label: t('basic.living.fuel'), children: livingText(living?.fuel) },
    { key: 'water', label: t('basic.living.water'), children: livingText(living?.water) },
    { key: 'toilet', label: t('basic.living.toilet'), children: livingText(living?.toilet) },
    { key: 'livestock', label: t('basic.living.livestock'), children: livingText(living?.livestock) },
  ];

  const column = { xs: 1, sm: 2, lg: 3, xxl: 4 } as const;
  return (
    <div className="kl-basic-info" data-testid="basic-info">
      <Descriptions size="small" bordered column={column} title={t('basic.sections.personal')} items={personal} />
      <Descriptions size="small" bordered column={column} title={t('basic.sections.history')} items={history} className="kl-block-top" />
      <Descriptions size="small" bordered column={column} title={t('basic.sections.living')} items={environment} className="kl-block-top" />
    </div>
  );
}
