import { AutoComplete, Button, Card, Checkbox, DatePicker, Form, Input, InputNumber, Radio, Switch } from 'antd';
import type { Dayjs } from 'dayjs';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { todayInChina } from '../../../lib/format';
import type { CodeLabel } from '../../reference/reference.types';
import { bmiBand, bmiOf } from '../followup.logic';
import {
  ADHERENCES,
  ADVERSE_REACTIONS,
  HYPOGLYCAEMIA,
  LEVELS3,
  SALT_INTAKES,
  VISIT_MODES,
  type FollowUpProgramme,
} from '../followup.types';

/** Numeric input with a unit, sized for a dense form; the server's ranges apply in the browser too. */
function Num({
  name,
  label,
  unit,
  min,
  max,
  step = 1,
  precision = 0,
  required,
  requiredMessage,
  testId,
  autoFocus,
}: {
  name: string | (string | number)[];
  label: string;
  unit?: string;
  min: number;
  max: number;
  step?: number;
  precision?: number;
  required?: boolean;
  requiredMessage?: string;
  testId?: string;
  autoFocus?: boolean;
}) {
  return (
    <Form.Item name={name} label={label} rules={required ? [{ required: true, message: requiredMessage }] : undefined} className="kl-fi">
      <InputNumber
        min={min}
        max={max}
        step={step}
        precision={precision}
        suffix={unit ? <span className="kl-unit">{unit}</span> : undefined}
        style={{ width: '100%' }}
        data-testid={testId}
        autoFocus={autoFocus}
        inputMode={precision ? 'decimal' : 'numeric'}
      />
    </Form.Item>
  );
}

function Section({ title, children, extra }: { title: string; children: ReactNode; extra?: ReactNode }) {
  return (
    <Card size="small" title={title} extra={extra} className="kl-form-section">
      {children}
    </Card>
  );
}

interface Props {
  programme: FollowUpProgramme;
  symptoms: readonly CodeLabel[];
  language: string;
}

/** The fields of the national follow-up form (随访服务记录表), grouped as on paper. */
export function FollowUpFields({ programme, symptoms, language }: Props) {
  const { t } = useTranslation();
  const form = Form.useFormInstance();
  const weight = Form.useWatch('weightKg', form) as number | null | undefined;
  const height = Form.useWatch('heightCm', form) as number | null | undefined;
  const adverse = Form.useWatch('adverseReaction', form) as string | undefined;
  const complication = Form.useWatch('newComplication', form) as boolean | undefined;
  const bmi = bmiOf(weight, height);
  const htn = programme === 'hypertension';
  const required = t('followup.required');

  return (
    <div className="kl-followup-fields">
      <Section title={t('followup.sections.visit')}>
        <div className="kl-form-grid">
          <Form.Item
            name="visitDate"
            label={t('followup.fields.visitDate')}
            rules={[{ required: true, message: required }]}
            className="kl-fi"
          >
            <DatePicker
              style={{ width: '100%' }}
              allowClear={false}
              disabledDate={(d: Dayjs) => d.format('YYYY-MM-DD') > todayInChina()}
              data-testid="followup-visit-date"
            />
          </Form.Item>
          <Form.Item name="visitMode" label={t('followup.fields.visitMode')} className="kl-fi kl-fi-wide">
            <Radio.Group
              optionType="button"
              buttonStyle="solid"
              options={VISIT_MODES.map((m) => ({ value: m, label: t(`followup.visitModes.${m}`) }))}
            />
          </Form.Item>
        </div>
      </Section>

      <Section title={htn ? t('followup.sections.signsHtn') : t('followup.sections.signsDm')}>
        <div className="kl-form-grid">
          {htn ? (
            <>
              <Num
                name="sbp"
                label={t('followup.fields.sbp')}
                unit="mmHg"
                min={40}
                max={300}
                required
                requiredMessage={required}
                testId="followup-sbp"
                autoFocus
              />
              <Num
                name="dbp"
                label={t('followup.fields.dbp')}
                unit="mmHg"
                min={20}
                max={200}
                required
                requiredMessage={required}
                testId="followup-dbp"
              />
            </>
          ) : (
            <>
              <Num
                name="fbg"
                label={t('followup.fields.fbg')}
                unit="mmol/L"
                min={0.5}
                max={50}
                step={0.1}
                precision={1}
                required
                requiredMessage={required}
                testId="followup-fbg"
                autoFocus
              />
              <Num
                name="randomGlucose"
                label={t('followup.fields.randomGlucose')}
                unit="mmol/L"
                min={0.5}
                max={50}
                step={0.1}
                precision={1}
                testId="followup-random-glucose"
              />
              <Num
                name="hba1c"
                label={t('followup.fields.hba1c')}
                unit="%"
                min={2}
                max={25}
                step={0.1}
                precision={1}
                testId="followup-hba1c"
              />
              <Num name="sbp" label={t('followup.fields.sbp')} unit="mmHg" min={40} max={300} testId="followup-sbp" />
              <Num name="dbp" label={t('followup.fields.dbp')} unit="mmHg" min={20} max={200} testId="followup-dbp" />
            </>
          )}
          <Num
            name="heartRate"
            label={t('followup.fields.heartRate')}
            unit={t('followup.units.perMin')}
            min={20}
            max={300}
            testId="followup-heart-rate"
          />
          <Num
            name="weightKg"
            label={t('followup.fields.weight')}
            unit="kg"
            min={2}
            max={400}
            step={0.5}
            precision={1}
            testId="followup-weight"
          />
          <Num name="heightCm" label={t('followup.fields.height')} unit="cm" min={40} max={260} precision={1} testId="followup-height" />
          <Form.Item label={t('followup.fields.bmi')} className="kl-fi">
            <div className="kl-computed" data-testid="followup-bmi">
              {bmi === null ? (
                <span className="kl-muted">{t('followup.bmiAuto')}</span>
              ) : (
                <>
                  <strong>{bmi.toFixed(1)}</strong> <span className="kl-muted">kg/m²</span>{' '}
                  <span className={`kl-bmi kl-bmi-${bmiBand(bmi)}`}>{t(`followup.bmiBands.${bmiBand(bmi)}`)}</span>
                </>
              )}
            </div>
          </Form.Item>
          <Num name="waistCm" label={t('followup.fields.waist')} unit="cm" min={30} max={250} precision={1} testId="followup-waist" />
          <Num
            name="temperatureC"
            label={t('followup.fields.temperature')}
            unit="°C"
            min={30}
            max={45}
            step={0.1}
            precision={1}
            testId="followup-temperature"
          />
        </div>
      </Section>

      <Section title={t('followup.sections.symptoms')}>
        <Form.Item name="symptoms" className="kl-fi" label={t('followup.fields.urgentSymptoms')} tooltip={t('followup.urgentSymptomsHint')}>
          <Checkbox.Group className="kl-checks" data-testid="followup-symptoms">
            {symptoms.map((s) => (
              <Checkbox key={s.code} value={s.code}>
                {language === 'en' ? s.en : s.zh}
              </Checkbox>
            ))}
          </Checkbox.Group>
        </Form.Item>
        <Form.Item name="otherSymptoms" label={t('followup.fields.otherSymptoms')} className="kl-fi">
          <Input maxLength={200} placeholder={t('followup.otherSymptomsPlaceholder')} />
        </Form.Item>
      </Section>

      <Section title={t('followup.sections.lifestyle')}>
        <div className="kl-form-grid">
          <Num
            name={['lifestyle', 'cigarettesPerDay']}
            label={t('followup.fields.cigarettes')}
            unit={t('followup.units.perDay')}
            min={0}
            max={100}
          />
          <Num name={['lifestyle', 'spiritsMlPerDay']} label={t('followup.fields.spirits')} unit="ml/d" min={0} max={2000} step={50} />
          <Num
            name={['lifestyle', 'exerciseTimesPerWeek']}
            label={t('followup.fields.exerciseTimes')}
            unit={t('followup.units.perWeek')}
            min={0}
            max={21}
          />
          <Num
            name={['lifestyle', 'exerciseMinutesPerSession']}
            label={t('followup.fields.exerciseMinutes')}
            unit={t('followup.units.minutes')}
            min={0}
            max={600}
            step={10}
          />
          <Num name={['lifestyle', 'stapleFoodGramsPerDay']} label={t('followup.fields.staple')} unit="g/d" min={0} max={2000} step={50} />
          <Form.Item name={['lifestyle', 'saltIntake']} label={t('followup.fields.salt')} className="kl-fi kl-fi-radio">
            <Radio.Group
              optionType="button"
              size="small"
              options={SALT_INTAKES.map((s) => ({ value: s, label: t(`followup.salt.${s}`) }))}
            />
          </Form.Item>
          <Form.Item
            name={['lifestyle', 'psychologicalAdjustment']}
            label={t('followup.fields.psychological')}
            className="kl-fi kl-fi-radio"
          >
            <Radio.Group optionType="button" size="small" options={LEVELS3.map((s) => ({ value: s, label: t(`followup.levels.${s}`) }))} />
          </Form.Item>
          <Form.Item name={['lifestyle', 'complianceBehaviour']} label={t('followup.fields.compliance')} className="kl-fi kl-fi-radio">
            <Radio.Group optionType="button" size="small" options={LEVELS3.map((s) => ({ value: s, label: t(`followup.levels.${s}`) }))} />
          </Form.Item>
        </div>
      </Section>

      <Section title={t('followup.sections.medication')}>
        <div className="kl-form-grid">
          <Form.Item name="adherence" label={t('followup.fields.adherence')} className="kl-fi kl-fi-radio">
            <Radio.Group
              optionType="button"
              size="small"
              options={ADHERENCES.map((s) => ({ value: s, label: t(`followup.adherence.${s}`) }))}
            />
          </Form.Item>
          <Form.Item name="adverseReaction" label={t('followup.fields.adverseReaction')} className="kl-fi kl-fi-wide">
            <Radio.Group
              optionType="button"
              size="small"
              options={ADVERSE_REACTIONS.map((s) => ({ value: s, label: t(`followup.adverse.${s}`) }))}
              data-testid="followup-adverse"
            />
          </Form.Item>
          {adverse && adverse !== 'none' && (
            <Form.Item name="adverseReactionDetail" label={t('followup.fields.adverseDetail')} className="kl-fi kl-fi-wide">
              <Input maxLength={200} />
            </Form.Item>
          )}
          {!htn && (
            <Form.Item name="hypoglycaemiaReaction" label={t('followup.fields.hypoglycaemia')} className="kl-fi kl-fi-radio">
              <Radio.Group
                optionType="button"
                size="small"
                options={HYPOGLYCAEMIA.map((s) => ({ value: s, label: t(`followup.hypo.${s}`) }))}
              />
            </Form.Item>
          )}
          <Form.Item name="newComplication" label={t('followup.fields.newComplication')} valuePropName="checked" className="kl-fi">
            <Switch checkedChildren={t('followup.yes')} unCheckedChildren={t('followup.no')} data-testid="followup-complication" />
          </Form.Item>
          {complication && (
            <Form.Item name="complicationDetail" label={t('followup.fields.complicationDetail')} className="kl-fi kl-fi-wide">
              <Input maxLength={200} placeholder={t(htn ? 'followup.complicationPlaceholderHtn' : 'followup.complicationPlaceholderDm')} />
            </Form.Item>
          )}
        </div>
        <div className="kl-subhead">{t('followup.fields.medications')}</div>
        <Form.List name="medications">
          {(fields, { add, remove }) => (
            <div className="kl-med-list" data-testid="followup-medications">
              {fields.map((field) => (
                <div key={field.key} className="kl-med-row">
                  <Form.Item
                    name={[field.name, 'name']}
                    className="kl-fi kl-med-name"
                    rules={[{ required: true, whitespace: true, message: t('followup.medicationNameRequired') }]}
                  >
                    <Input placeholder={t('followup.fields.medName')} maxLength={100} aria-label={t('followup.fields.medName')} />
                  </Form.Item>
                  <Form.Item name={[field.name, 'dose']} className="kl-fi kl-med-dose">
                    <Input placeholder={t('followup.fields.medDose')} maxLength={50} aria-label={t('followup.fields.medDose')} />
                  </Form.Item>
                  <Form.Item name={[field.name, 'frequency']} className="kl-fi kl-med-freq">
                    <AutoComplete
                      allowClear
                      placeholder={t('followup.fields.medFrequency')}
                      aria-label={t('followup.fields.medFrequency')}
                      options={['qd', 'bid', 'tid', 'qn', 'prn'].map((f) => ({ value: t(`followup.frequencies.${f}`) }))}
                      maxLength={50}
                    />
                  </Form.Item>
                  <Button size="small" type="text" danger onClick={() => remove(field.name)} aria-label={t('followup.removeMedication')}>
                    {t('followup.remove')}
                  </Button>
                </div>
              ))}
              <Button size="small" type="dashed" onClick={() => add({ name: '' })} data-testid="followup-add-medication">
                + {t('followup.addMedication')}
              </Button>
            </div>
          )}
        </Form.List>
      </Section>

      <Section title={t('followup.sections.note')}>
        <Form.Item name="note" className="kl-fi">
          <Input.TextArea rows={2} maxLength={1000} placeholder={t('followup.notePlaceholder')} />
        </Form.Item>
      </Section>
    </div>
  );
}
