import { Alert, Button, DatePicker, Form, Input, Modal, Radio, Skeleton, Tag } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { errorMessage } from '../../../i18n/errors';
import { useFormOptions } from '../../reference/reference.resource';
import { selfCareBand, selfCareTotal, type SelfCareBand } from '../care.logic';
import { useSelfCare } from '../care.resource';
import type { SelfCareItem, SelfCareResult } from '../care.types';

type Values = { assessedOn: Dayjs; note?: string } & Partial<Record<SelfCareItem, number>>;

const BAND_COLOURS: Record<SelfCareBand, string> = {
  independent: 'green',
  mild_dependence: 'gold',
  moderate_dependence: 'orange',
  unable: 'red',
};

/**
 * The form's four levels (可自理, 轻度依赖, 中度依赖, 不能自理) counted from the end: where two levels share
 * a score (eating and dressing score 0 for both of the first two) the server lists it once.
 */
function levelOf(index: number, count: number): string {
  const level = 4 - count + index;
  return count < 4 && index === 0 ? 'firstTwo' : String(level);
}

interface Props {
  residentId: string;
  residentName: string;
  onClose: (changed: boolean) => void;
}

/** 老年人生活自理能力评估表: five items, each with its allowed scores; total and band as they are picked. */
export function SelfCareDialog({ residentId, residentName, onClose }: Props) {
  const { t, i18n } = useTranslation();
  const options = useFormOptions();
  const assess = useSelfCare(residentId);
  const [form] = Form.useForm<Values>();
  const values = Form.useWatch([], form) as Values | undefined;
  const [result, setResult] = useState<SelfCareResult | null>(null);
  const items = options.data?.selfCareItems ?? [];
  const { total, complete } = selfCareTotal(
    values ?? {},
    items.map((i) => i.code),
  );
  const band = selfCareBand(total);

  const onOk = async () => {
    const v = await form.validateFields();
    try {
      const scores = Object.fromEntries(items.map((i) => [i.code, v[i.code as SelfCareItem] ?? 0])) as Record<SelfCareItem, number>;
      setResult(
        await assess.run({ assessedOn: v.assessedOn.format('YYYY-MM-DD'), ...scores, ...(v.note?.trim() ? { note: v.note.trim() } : {}) }),
      );
    } catch {
      // shown below
    }
  };

  return (
    <Modal
      open
      title={t('selfCare.title', { name: residentName })}
      onCancel={() => onClose(!!result)}
      destroyOnHidden
      width={640}
      footer={
        result
          ? [
              <Button key="done" type="primary" onClick={() => onClose(true)}>
                {t('common.done')}
              </Button>,
            ]
          : [
              <span key="total" className="kl-selfcare-total" data-testid="selfcare-live-total">
                {t('selfCare.total')} <strong>{total}</strong> / 37{' '}
                {complete && <Tag color={BAND_COLOURS[band]}>{t(`selfCare.bands.${band}`)}</Tag>}
              </span>,
              <Button key="cancel" onClick={() => onClose(false)}>
                {t('common.cancel')}
              </Button>,
              <Button
                key="ok"
                type="primary"
                loading={assess.pending}
                onClick={onOk}
                disabled={!items.length}
                data-testid="selfcare-submit"
              >
                {t('selfCare.submit')}
              </Button>,
            ]
      }
    >
      {result ? (
        <Alert
          type={result.total <= 3 ? 'success' : result.total <= 18 ? 'warning' : 'error'}
          showIcon
          data-testid="selfcare-result"
          title={t('selfCare.result', { total: result.total, label: i18n.language === 'en' ? result.labelEn : result.labelZh })}
          description={t('selfCare.bandsHint')}
        />
      ) : options.error ? (
        <Alert type="error" showIcon title={errorMessage(t, options.error)} />
      ) : !options.data ? (
        <Skeleton active />
      ) : (
        <Form<Values>
          form={form}
          layout="horizontal"
          labelCol={{ flex: '110px' }}
          initialValues={{ assessedOn: dayjs() }}
          className="kl-selfcare-form"
        >
          <Form.Item name="assessedOn" label={t('selfCare.assessedOn')} rules={[{ required: true }]}>
            <DatePicker allowClear={false} disabledDate={(d) => d.isAfter(dayjs(), 'day')} />
          </Form.Item>
          {items.map((item) => (
            <Form.Item
              key={item.code}
              name={item.code}
              label={i18n.language === 'en' ? item.en : item.zh}
              rules={[{ required: true, message: t('selfCare.scoreRequired') }]}
              validateStatus={assess.error?.issueFor(item.code) ? 'error' : undefined}
              help={assess.error?.issueFor(item.code)}
            >
              <Radio.Group optionType="button" size="small" data-testid={`selfcare-${item.code}`}>
                {item.scores.map((s, i) => (
                  <Radio.Button key={s} value={s}>
                    {t(`selfCare.levels.${levelOf(i, item.scores.length)}`)} · {s}
                  </Radio.Button>
                ))}
              </Radio.Group>
            </Form.Item>
          ))}
          <Form.Item name="note" label={t('selfCare.note')}>
            <Input maxLength={500} />
          </Form.Item>
          <p className="kl-muted kl-small">{t('selfCare.bandsHint')}</p>
        </Form>
      )}
      {assess.error && !assess.error.issues.length && <Alert type="error" showIcon title={errorMessage(t, assess.error)} />}
    </Modal>
  );
}
