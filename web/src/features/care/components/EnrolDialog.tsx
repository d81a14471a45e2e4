import { Alert, Button, DatePicker, Form, InputNumber, Modal, Radio, Select, Table } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { errorMessage } from '../../../i18n/errors';
import { formatDate } from '../../../lib/format';
import { useEnrol } from '../care.resource';
import { DIABETES_ICD10, ENROL_PROGRAMMES, HYPERTENSION_ICD10, type EnrolBody, type EnrolProgramme, type EnrolResult } from '../care.types';

interface Values {
  programme: EnrolProgramme;
  icd10?: string;
  diagnosedOn?: Dayjs;
  enrolledOn?: Dayjs;
  customTargetSbp?: number | null;
  customTargetDbp?: number | null;
  lmpDate?: Dayjs;
  deliveryDate?: Dayjs;
  dischargeDate?: Dayjs;
}

interface Props {
  residentId: string;
  residentName: string;
  /** Programmes the resident is already in (not offered again). */
  enrolled: readonly string[];
  onClose: (changed: boolean) => void;
}

const iso = (d: Dayjs | undefined) => (d ? d.format('YYYY-MM-DD') : undefined);
const notFuture = (d: Dayjs) => d.isAfter(dayjs(), 'day');

function toBody(v: Values): EnrolBody {
  switch (v.programme) {
    case 'hypertension':
      return {
        programme: 'hypertension',
        icd10: v.icd10!,
        diagnosedOn: iso(v.diagnosedOn)!,
        ...(v.enrolledOn ? { enrolledOn: iso(v.enrolledOn) } : {}),
        ...(v.customTargetSbp && v.customTargetDbp ? { customTargetSbp: v.customTargetSbp, customTargetDbp: v.customTargetDbp } : {}),
      };
    case 'diabetes':
      return {
        programme: 'diabetes',
        icd10: v.icd10!,
        diagnosedOn: iso(v.diagnosedOn)!,
        ...(v.enrolledOn ? { enrolledOn: iso(v.enrolledOn) } : {}),
      };
    case 'elderly':
      return { programme: 'elderly' };
    case 'child':
      return { programme: 'child', ...(v.dischargeDate ? { dischargeDate: iso(v.dischargeDate) } : {}) };
    case 'maternal':
      return {
        programme: 'maternal',
        ...(v.lmpDate ? { lmpDate: iso(v.lmpDate) } : {}),
        ...(v.deliveryDate ? { deliveryDate: iso(v.deliveryDate) } : {}),
        ...(v.dischargeDate ? { dischargeDate: iso(v.dischargeDate) } : {}),
      };
  }
}

/** 纳入管理: enrols the resident in a programme; the schedule engine answers with the first tasks. */
export function EnrolDialog({ residentId, residentName, enrolled, onClose }: Props) {
  const { t } = useTranslation();
  const enrol = useEnrol(residentId);
  const [form] = Form.useForm<Values>();
  const available = ENROL_PROGRAMMES.filter((p) => !enrolled.includes(p));
  const programme = (Form.useWatch('programme', form) as EnrolProgramme | undefined) ?? available[0];
  const [result, setResult] = useState<EnrolResult | null>(null);

  const onOk = async () => {
    const v = await form.validateFields();
    try {
      setResult(await enrol.run(toBody(v)));
    } catch {
      // shown below
    }
  };

  const issue = (f: string) => enrol.error?.issueFor(f);
  const err = enrol.error;
  const chronic = programme === 'hypertension' || programme === 'diabetes';
  const codes = programme === 'hypertension' ? HYPERTENSION_ICD10 : DIABETES_ICD10;

  return (
    <Modal
      open
      title={t('enrol.title', { name: residentName })}
      onCancel={() => onClose(!!result)}
      destroyOnHidden
      width={600}
      footer={
        result
          ? [
              <Button key="done" type="primary" onClick={() => onClose(true)}>
                {t('common.done')}
              </Button>,
            ]
          : [
              <Button key="cancel" onClick={() => onClose(false)}>
                {t('common.cancel')}
              </Button>,
              <Button
                key="ok"
                type="primary"
                loading={enrol.pending}
                onClick={onOk}
                disabled={!available.length}
                data-testid="enrol-submit"
              >
                {t('enrol.submit')}
              </Button>,
            ]
      }
    >
      {result ? (
        <div data-testid="enrol-result">
          <Alert type="success" showIcon className="kl-block" title={t('enrol.done', { programme: t(`programme.${programme}`) })} />
          <Table
            size="small"
            rowKey="taskCode"
            pagination={false}
            dataSource={result.tasks}
            columns={[
              { title: t('enrol.task'), dataIndex: 'label' },
              { title: t('enrol.due'), dataIndex: 'dueDate', width: 110, render: (v: string) => formatDate(v) },
              { title: t('enrol.deadline'), dataIndex: 'windowEnd', width: 110, render: (v: string) => formatDate(v) },
            ]}
          />
        </div>
      ) : !available.length ? (
        <Alert type="info" showIcon title={t('enrol.allEnrolled')} />
      ) : (
        <Form<Values>
          form={form}
          layout="vertical"
          initialValues={{ programme: available[0], icd10: available[0] === 'diabetes' ? 'E11' : 'I10', enrolledOn: dayjs() }}
          onValuesChange={(changed: Partial<Values>) => {
            if (changed.programme) form.setFieldsValue({ icd10: changed.programme === 'diabetes' ? 'E11' : 'I10' });
          }}
        >
          <Form.Item name="programme" label={t('enrol.programme')}>
            <Radio.Group
              optionType="button"
              buttonStyle="solid"
              options={available.map((p) => ({ value: p, label: t(`programme.${p}`) }))}
              data-testid="enrol-programme"
            />
          </Form.Item>
          {chronic && (
            <div className="kl-form-grid">
              <Form.Item
                name="icd10"
                label={t('enrol.icd10')}
                rules={[{ required: true }]}
                className="kl-fi kl-fi-wide"
                validateStatus={issue('icd10') ? 'error' : undefined}
                help={issue('icd10')}
              >
                <Select options={codes.map((c) => ({ value: c, label: `${c} ${t(`enrol.icd.${c}`)}` }))} />
              </Form.Item>
              <Form.Item
                name="diagnosedOn"
                label={t('enrol.diagnosedOn')}
                rules={[{ required: true, message: t('enrol.diagnosedOnRequired') }]}
                className="kl-fi"
                validateStatus={issue('diagnosedOn') ? 'error' : undefined}
                help={issue('diagnosedOn')}
              >
                <DatePicker disabledDate={notFuture} style={{ width: '100%' }} data-testid="enrol-diagnosed-on" />
              </Form.Item>
              <Form.Item
                name="enrolledOn"
                label={t('enrol.enrolledOn')}
                className="kl-fi"
                validateStatus={issue('enrolledOn') ? 'error' : undefined}
                help={issue('enrolledOn')}
              >
                <DatePicker disabledDate={notFuture} style={{ width: '100%' }} />
              </Form.Item>
              {programme === 'hypertension' && (
                <>
                  <Form.Item
                    name="customTargetSbp"
                    label={t('enrol.customTargetSbp')}
                    tooltip={t('enrol.customTargetHint')}
                    className="kl-fi"
                  >
                    <InputNumber min={100} max={150} precision={0} suffix="mmHg" style={{ width: '100%' }} />
                  </Form.Item>
                  <Form.Item
                    name="customTargetDbp"
                    label={t('enrol.customTargetDbp')}
                    className="kl-fi"
                    dependencies={['customTargetSbp']}
                    rules={[
                      ({ getFieldValue }) => ({
                        validator: (_, value: number | null | undefined) =>
                          !getFieldValue('customTargetSbp') === !value
                            ? Promise.resolve()
                            : Promise.reject(new Error(t('enrol.customTargetBoth'))),
                      }),
                    ]}
                  >
                    <InputNumber min={60} max={90} precision={0} suffix="mmHg" style={{ width: '100%' }} />
                  </Form.Item>
                </>
              )}
            </div>
          )}
          {programme === 'maternal' && (
            <div className="kl-form-grid">
              <Form.Item
                name="lmpDate"
                label={t('enrol.lmpDate')}
                className="kl-fi"
                dependencies={['deliveryDate']}
                rules={[
                  ({ getFieldValue }) => ({
                    validator: (_, value: Dayjs | undefined) =>
                      value || getFieldValue('deliveryDate') ? Promise.resolve() : Promise.reject(new Error(t('enrol.lmpOrDelivery'))),
                  }),
                ]}
                validateStatus={issue('lmpDate') ? 'error' : undefined}
                help={issue('lmpDate')}
              >
                <DatePicker disabledDate={notFuture} style={{ width: '100%' }} />
              </Form.Item>
              <Form.Item
                name="deliveryDate"
                label={t('enrol.deliveryDate')}
                className="kl-fi"
                validateStatus={issue('deliveryDate') ? 'error' : undefined}
                help={issue('deliveryDate')}
              >
                <DatePicker disabledDate={notFuture} style={{ width: '100%' }} />
              </Form.Item>
              <Form.Item name="dischargeDate" label={t('enrol.dischargeDate')} className="kl-fi">
                <DatePicker disabledDate={notFuture} style={{ width: '100%' }} />
              </Form.Item>
            </div>
          )}
          {programme === 'child' && (
            <Form.Item name="dischargeDate" label={t('enrol.dischargeDate')} tooltip={t('enrol.childDischargeHint')}>
              <DatePicker disabledDate={notFuture} style={{ width: 200 }} />
            </Form.Item>
          )}
          <p className="kl-muted kl-small">{t(`enrol.hints.${programme}`)}</p>
        </Form>
      )}
      {err && !err.issues.some((i) => /icd10|diagnosedOn|enrolledOn|lmpDate|deliveryDate/.test(i.field)) && (
        <Alert
          type="error"
          showIcon
          data-testid="enrol-error"
          title={
            err.code === 'contract_required'
              ? t('enrol.needsContract')
              : err.code === 'already_enrolled'
                ? t('enrol.alreadyEnrolled')
                : err.code === 'below_programme_age'
                  ? t('enrol.under35')
                  : errorMessage(t, err)
          }
        />
      )}
    </Modal>
  );
}
