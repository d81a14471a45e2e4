import { describe, expect, it } from 'vitest';
import { bmiBand, bmiOf, buildFollowUpBody, classificationSeverity, issuePath, issuesToFields, readyToClassify } from './followup.logic';

describe('follow-up body', () => {
  it('sends only what was filled in, trimmed', () => {
    const body = buildFollowUpBody('hypertension', {
      visitDate: '2026-11-23',
      visitMode: 'home',
      sbp: 150,
      dbp: 95,
      heartRate: null,
      otherSymptoms: '  ',
      note: ' 头晕减轻 ',
      lifestyle: { cigarettesPerDay: 0, saltIntake: 'heavy', spiritsMlPerDay: null },
      medications: [{ name: ' 氨氯地平 ', dose: '5mg', frequency: '' }, { name: '' }, null],
      symptoms: [],
    });
    expect(body).toEqual({
      programme: 'hypertension',
      visitDate: '2026-11-23',
      visitMode: 'home',
      sbp: 150,
      dbp: 95,
      note: '头晕减轻',
      lifestyle: { cigarettesPerDay: 0, saltIntake: 'heavy' },
      adverseReaction: 'none',
      newComplication: false,
      medications: [{ name: '氨氯地平', dose: '5mg' }],
    });
  });

  it('keeps details only with their answer and drops diabetes fields from hypertension', () => {
    const htn = buildFollowUpBody('hypertension', {
      visitDate: '2026-11-23',
      adverseReaction: 'none',
      adverseReactionDetail: '咳嗽',
      newComplication: false,
      complicationDetail: '足溃疡',
      fbg: 7.1,
      hypoglycaemiaReaction: 'none',
    });
    expect(htn).not.toHaveProperty('adverseReactionDetail');
    expect(htn).not.toHaveProperty('complicationDetail');
    expect(htn).not.toHaveProperty('fbg');
    expect(htn).not.toHaveProperty('hypoglycaemiaReaction');
    const dm = buildFollowUpBody('diabetes', {
      visitDate: '2026-11-23',
      adverseReaction: 'controllable',
      adverseReactionDetail: '胃肠不适',
      newComplication: true,
      complicationDetail: '足溃疡',
      fbg: 8.2,
    });
    expect(dm).toMatchObject({ adverseReactionDetail: '胃肠不适', newComplication: true, complicationDetail: '足溃疡', fbg: 8.2 });
  });

  it('is ready to classify once the deciding values are there', () => {
    expect(readyToClassify(buildFollowUpBody('hypertension', { visitDate: '2026-11-23', sbp: 150 }))).toBe(false);
    expect(readyToClassify(buildFollowUpBody('hypertension', { visitDate: '2026-11-23', sbp: 150, dbp: 95 }))).toBe(true);
    expect(readyToClassify(buildFollowUpBody('hypertension', { sbp: 150, dbp: 95 }))).toBe(false);
    expect(readyToClassify(buildFollowUpBody('diabetes', { visitDate: '2026-11-23', sbp: 150, dbp: 95 }))).toBe(false);
    expect(readyToClassify(buildFollowUpBody('diabetes', { visitDate: '2026-11-23', fbg: 8.2 }))).toBe(true);
  });
});

describe('BMI', () => {
  it('computes to one decimal and bands by the Chinese cut-offs', () => {
    expect(bmiOf(70, 170)).toBe(24.2);
    expect(bmiOf(70, null)).toBeNull();
    expect(bmiOf(0, 170)).toBeNull();
    expect(bmiBand(18.4)).toBe('underweight');
    expect(bmiBand(23.9)).toBe('normal');
    expect(bmiBand(24)).toBe('overweight');
    expect(bmiBand(28)).toBe('obese');
  });
});

describe('classification severity', () => {
  it('is green, orange or red', () => {
    expect(classificationSeverity('controlled')).toBe('success');
    expect(classificationSeverity('first_uncontrolled')).toBe('warning');
    expect(classificationSeverity('adverse_reaction')).toBe('warning');
    expect(classificationSeverity('two_consecutive_uncontrolled')).toBe('error');
    expect(classificationSeverity('urgent')).toBe('error');
  });
});

describe('server field issues', () => {
  it('maps body paths onto form names', () => {
    expect(issuePath('body.sbp')).toEqual(['sbp']);
    expect(issuePath('body.lifestyle.saltIntake')).toEqual(['lifestyle', 'saltIntake']);
    expect(issuePath('body.medications.0.name')).toEqual(['medications', 0, 'name']);
    expect(issuePath('sbp')).toEqual(['sbp']);
  });

  it('puts known fields on the form and keeps the rest for a general message', () => {
    const known = (p: (string | number)[]) => p[0] === 'sbp' || p[0] === 'medications';
    const { fields, rest } = issuesToFields(
      [
        { field: 'body.sbp', message: 'too big' },
        { field: 'body.sbp', message: 'not an integer' },
        { field: 'body.medications.1.name', message: 'required' },
        { field: 'body', message: 'unknown key x' },
      ],
      known,
    );
    expect(fields).toEqual([
      { name: ['sbp'], errors: ['too big', 'not an integer'] },
      { name: ['medications', 1, 'name'], errors: ['required'] },
    ]);
    expect(rest).toEqual([{ field: 'body', message: 'unknown key x' }]);
  });
});
