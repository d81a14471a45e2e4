import { Alert, App, Button, Card, Form, Input, Space } from 'antd';
import { useTranslation } from 'react-i18next';
import { errorMessage } from '../../../i18n/errors';
import { formatDateTime } from '../../../lib/format';
import { useBreakGlass } from '../residents.resource';

export const BREAK_GLASS_MIN_REASON = 10;
export const BREAK_GLASS_MAX_REASON = 500;

interface Props {
  residentId: string;
  onGranted: () => void;
  onCancel: () => void;
}

/** 紧急访问: shown when the record answers 403. The reason is required, audited and reviewed. */
export function BreakGlassCard({ residentId, onGranted, onCancel }: Props) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const breakGlass = useBreakGlass(residentId);
  const [form] = Form.useForm<{ reason: string }>();

  const onFinish = async ({ reason }: { reason: string }) => {
    try {
      const res = await breakGlass.run(reason.trim());
      void message.success(t('breakGlass.granted', { until: formatDateTime(res.expiresAt) }));
      onGranted();
    } catch {
      // shown below from breakGlass.error
    }
  };

  const reasonIssue = breakGlass.error?.issueFor('reason');

  return (
    <Card className="kl-break-glass" data-testid="break-glass" title={<span className="kl-break-glass-title">{t('breakGlass.title')}</span>}>
      <Alert type="warning" showIcon title={t('breakGlass.noRelationship')} description={t('breakGlass.explanation')} className="kl-block" />
      <Form form={form} layout="vertical" onFinish={onFinish} disabled={breakGlass.pending} requiredMark>
        <Form.Item
          name="reason"
          label={t('breakGlass.reason')}
          validateStatus={reasonIssue ? 'error' : undefined}
          help={reasonIssue}
          rules={[
            { required: true, whitespace: true, message: t('breakGlass.reasonRequired') },
            {
              validator: (_, value: string | undefined) =>
                !value || value.trim().length >= BREAK_GLASS_MIN_REASON
                  ? Promise.resolve()
                  : Promise.reject(new Error(t('breakGlass.reasonTooShort', { min: BREAK_GLASS_MIN_REASON }))),
            },
          ]}
        >
          <Input.TextArea
            autoFocus
            rows={3}
            showCount
            maxLength={BREAK_GLASS_MAX_REASON}
            placeholder={t('breakGlass.reasonPlaceholder')}
            data-testid="break-glass-reason"
          />
        </Form.Item>
        {breakGlass.error && !reasonIssue && (
          <Alert type="error" showIcon title={errorMessage(t, breakGlass.error)} className="kl-block" data-testid="break-glass-error" />
        )}
        <Space>
          <Button type="primary" danger htmlType="submit" loading={breakGlass.pending} data-testid="break-glass-submit">
            {t('breakGlass.submit')}
          </Button>
          <Button onClick={onCancel}>{t('common.back')}</Button>
        </Space>
      </Form>
    </Card>
  );
}
