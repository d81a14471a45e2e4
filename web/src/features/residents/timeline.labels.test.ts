import { describe, expect, it } from 'vitest';
import i18n from 'i18next';
import zhCN from '../../i18n/locales/zh-CN.json';
import en from '../../i18n/locales/en.json';
import { localizeDetail, localizeTitle, type Translate } from './timeline.labels';

const instance = i18n.createInstance();
await instance.init({ resources: { 'zh-CN': { translation: zhCN }, en: { translation: en } }, lng: 'zh-CN', interpolation: { escapeValue: false } });
const zh: Translate = (key, options) => String(instance.getFixedT('zh-CN')(key, options as never));
const enT: Translate = (key, options) => String(instance.getFixedT('en')(key, options as never));

describe('timeline labels', () => {
  it('translates the server phrases and codes into Chinese', () => {
    expect(localizeTitle(zh, 'followup', 'hypertension follow-up')).toBe('高血压随访');
    expect(localizeTitle(zh, 'encounter', 'outpatient')).toBe('门诊');
    expect(localizeTitle(zh, 'screening', 'bp screening')).toBe('血压筛查');
    expect(localizeTitle(zh, 'assessment', 'self-care ability assessment')).toBe('老年人生活自理能力评估');
    expect(localizeTitle(zh, 'contract', 'family doctor contract · 第一团队')).toBe('家庭医生签约 · 第一团队');
    expect(localizeTitle(zh, 'referral', 'up referral · green_channel')).toBe('上转 · 绿色通道');
    expect(localizeDetail(zh, '150/95 mmHg · FBG 7.2 · first_uncontrolled · next 2026-01-05')).toBe(
      '150/95 mmHg · 空腹血糖 7.2 mmol/L · 控制不满意（第一次） · 下次随访 2026-01-05',
    );
    expect(localizeDetail(zh, 'dose -')).toBeNull();
    expect(localizeDetail(zh, 'dose 2')).toBe('第 2 剂');
    expect(localizeDetail(zh, '78 mm[Hg] · LOINC 8462-4')).toBe('78 mmHg');
    expect(localizeDetail(zh, '74 /min · LOINC 8867-4')).toBe('74 次/分');
    expect(localizeDetail(zh, 'htn_dm · 2026-05-07 → 2027-05-07 · active')).toBe('慢病包 · 2026-05-07 ~ 2027-05-07 · 有效');
    expect(localizeDetail(zh, '0 · independent')).toBe('0 · 可自理');
  });

  it('keeps what it does not recognise, and Chinese text as it is', () => {
    expect(localizeTitle(zh, 'observation', '收缩压')).toBe('收缩压');
    expect(localizeTitle(zh, 'encounter', 'new_kind')).toBe('new_kind');
    expect(localizeDetail(zh, '全科 · 头晕 · unknown_code')).toBe('全科 · 头晕 · unknown_code');
    expect(localizeDetail(zh, null)).toBeNull();
  });

  it('reads naturally in English too', () => {
    expect(localizeTitle(enT, 'followup', 'diabetes follow-up')).toBe('Diabetes follow-up');
    expect(localizeDetail(enT, 'basic · 2025-04-01 → 2026-03-31 · superseded')).toBe('Basic package · 2025-04-01 ~ 2026-03-31 · renewed');
  });
});
