import { Alert, Button, DatePicker, Form, InputNumber, Modal, Radio, Tag } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { errorMessage } from '../../../i18n/errors';
import { CONFIRMATION_COLOURS, GLUCOSE_COLOURS } from '../care.logic';
import { useScreening } from '../care.resource';
import type { ScreeningResult } from '../care.types';

interface Values {
  kind: 'bp' | 'fbg';
  measuredOn: Dayjs;
  sbp?: number;
  dbp?: number;
  fbg?: number;
}

interface Props {
  residentId: string;
  residentName: string;
  onClose: (changed: boolean) => void;
}

/** 筛查: a BP or fasting-glucose measurement; the answer says what to do next (recheck, refer for diagnosis). */
export function ScreeningDialog({ residentId, residentName, onClose }: Props) {
  const { t, i18n } = useTranslation();
  const screen = useScreening(residentId);
  const [form] = Form.useForm<Values>();
  const kind = Form.useWatch('kind', form) ?? 'bp';
  const [result, setResult] = useState<ScreeningResult | null>(null);
  const [saved, setSaved] = useState(false);

  const onOk = async () => {
    const v = await form.validateFields();
    const measuredOn = v.measuredOn.format('YYYY-MM-DD');
    try {
      const res = await screen.run(
        v.kind === 'bp' ? { kind: 'bp', measuredOn, sbp: v.sbp!, dbp: v.dbp! } : { kind: 'fbg', measuredOn, fbg: v.fbg! },
      );
      setResult(res);
      setSaved(true);
    } catch {
      // shown below
    }
  };

  const issue = (f: string) => screen.error?.issueFor(f);

  return (
    <Modal
      open
      title={t('screening.title', { name: residentName })}
      onCancel={() => onClose(saved)}
      destroyOnHidden
      width={560}
      footer={
        result
          ? [
              <Button
                key="again"
                onClick={() => {
                  setResult(null);
                  form.resetFields(['sbp', 'dbp', 'fbg']);
                }}
              >
                {t('screening.another')}
              </Button>,
              <Button key="done" type="primary" onClick={() => onClose(true)}>
                {t('common.done')}
              </Button>,
            ]
          : [
              <Button key="cancel" onClick={() => onClose(saved)}>
                {t('common.cancel')}
              </Button>,
              <Button key="ok" type="primary" loading={screen.pending} onClick={onOk} data-testid="screening-submit">
                {t('screening.submit')}
              </Button>,
            ]
      }
    >
      {result ? (
        <div data-testid="screening-result">
          <Alert
            type={
              result.confirmation?.status === 'confirmed_refer_for_diagnosis' || result.glucoseCategory === 'diabetic'
                ? 'error'
                : result.confirmation?.status === 'suspected_recheck' || result.glucoseCategory === 'impaired'
                  ? 'warning'
                  : 'success'
            }
            showIcon
            title={i18n.language === 'en' ? result.adviceEn : result.adviceZh}
            description={
              <div className="kl-screen-tags">
                {result.confirmation && (
                  <Tag color={CONFIRMATION_COLOURS[result.confirmation.status]}>
                    {t(`screening.confirmation.${result.confirmation.status}`)}
                  </Tag>
                )}
                {result.confirmation && result.confirmation.elevatedDays > 0 && (
                  <span className="kl-muted">{t('screening.elevatedDays', { count: result.confirmation.elevatedDays })}</span>
                )}
                {result.glucoseCategory && (
                  <Tag color={GLUCOSE_COLOURS[result.glucoseCategory]}>{t(`screening.glucose.${result.glucoseCategory}`)}</Tag>
                )}
                {!result.eligible && <span className="kl-muted">{t('screening.notEligible')}</span>}
              </div>
            }
          />
        </div>
      ) : (
        <Form<Values> form={form} layout="vertical" initialValues={{ kind: 'bp', measuredOn: dayjs() }}>
          <div className="kl-form-grid">
            <Form.Item name="kind" label={t('screening.kind')} className="kl-fi kl-fi-wide">
              <Radio.Group
                optionType="button"
                buttonStyle="solid"
                options={[
                  { value: 'bp', label: t('screening.kinds.bp') },
                  { value: 'fbg', label: t('screening.kinds.fbg') },
                ]}
              />
            </Form.Item>
            <Form.Item
              name="measuredOn"
              label={t('screening.measuredOn')}
              rules={[{ required: true }]}
              className="kl-fi"
              validateStatus={issue('measuredOn') ? 'error' : undefined}
              help={issue('measuredOn')}
            >
              <DatePicker allowClear={false} disabledDate={(d) => d.isAfter(dayjs(), 'day')} style={{ width: '100%' }} />
            </Form.Item>
            {kind === 'bp' ? (
              <>
                <Form.Item
                  name="sbp"
                  label={t('followup.fields.sbp')}
                  rules={[{ required: true, message: t('followup.required') }]}
                  className="kl-fi"
                  validateStatus={issue('sbp') ? 'error' : undefined}
                  help={issue('sbp')}
                >
                  <InputNumber
                    min={40}
                    max={300}
                    precision={0}
                    suffix="mmHg"
                    style={{ width: '100%' }}
                    autoFocus
                    data-testid="screening-sbp"
                  />
                </Form.Item>
                <Form.Item
                  name="dbp"
                  label={t('followup.fields.dbp')}
                  rules={[{ required: true, message: t('followup.required') }]}
                  className="kl-fi"
                  validateStatus={issue('dbp') ? 'error' : undefined}
                  help={issue('dbp')}
                >
                  <InputNumber min={20} max={200} precision={0} suffix="mmHg" style={{ width: '100%' }} data-testid="screening-dbp" />
                </Form.Item>
              </>
            ) : (
              <Form.Item
                name="fbg"
                label={t('followup.fields.fbg')}
                rules={[{ required: true, message: t('followup.required') }]}
                className="kl-fi"
                validateStatus={issue('fbg') ? 'error' : undefined}
                help={issue('fbg')}
              >
                <InputNumber
                  min={0.5}
                  max={50}
                  step={0.1}
                  precision={1}
                  suffix="mmol/L"
                  style={{ width: '100%' }}
                  data-testid="screening-fbg"
                />
              </Form.Item>
            )}
          </div>
          <p className="kl-muted kl-small">{t(kind === 'bp' ? 'screening.bpHint' : 'screening.fbgHint')}</p>
        </Form>
      )}
      {screen.error && !screen.error.issues.length && <Alert type="error" showIcon title={errorMessage(t, screen.error)} />}
    </Modal>
  );
}
