import { Alert, App, DatePicker, Form, Input, Modal } from 'antd';
import type { Dayjs } from 'dayjs';
import dayjs from 'dayjs';
import { useTranslation } from 'react-i18next';
import { errorMessage } from '../../../i18n/errors';
import { EMERGENCY_NOTE_MAX, emergencyNoteBody } from '../break-glass.logic';
import { useEmergencyNote } from '../residents.resource';

interface Props {
  residentId: string;
  residentName: string;
  onClose: (saved: boolean) => void;
}

interface Values {
  note?: string;
  occurredAt?: Dayjs | null;
}

/**
 * 记录急诊记录: the one thing a doctor writes into a record opened by break-the-glass. It is stored as an
 * emergency encounter and never touches the home team's schedule.
 */
export function EmergencyNoteDialog({ residentId, residentName, onClose }: Props) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const save = useEmergencyNote(residentId);
  const [form] = Form.useForm<Values>();

  const onOk = async () => {
    const v = await form.validateFields();
    const built = emergencyNoteBody(v.note, v.occurredAt ? v.occurredAt.toDate() : null);
    if ('problem' in built) {
      const field = built.problem === 'occurred_in_future' ? 'occurredAt' : 'note';
      form.setFields([{ name: field, errors: [t(`emergencyAccess.problems.${built.problem}`, { max: EMERGENCY_NOTE_MAX })] }]);
      return;
    }
    try {
      await save.run(built.body);
      void message.success(t('emergencyAccess.saved'));
      onClose(true);
    } catch {
      // shown below
    }
  };

  const noteIssue = save.error?.issueFor('note');
  const timeIssue = save.error?.issueFor('occurredAt');

  return (
    <Modal
      open
      title={t('emergencyAccess.noteTitle', { name: residentName })}
      okText={t('emergencyAccess.save')}
      cancelText={t('common.cancel')}
      onOk={onOk}
      onCancel={() => onClose(false)}
      confirmLoading={save.pending}
      okButtonProps={{ 'data-testid': 'emergency-note-save' } as never}
      destroyOnHidden
      width={600}
    >
      <p className="kl-muted">{t('emergencyAccess.noteHint')}</p>
      <Form form={form} layout="vertical" disabled={save.pending}>
        <Form.Item
          name="note"
          label={t('emergencyAccess.note')}
          rules={[{ required: true, whitespace: true, message: t('emergencyAccess.problems.note_required') }]}
          validateStatus={noteIssue ? 'error' : undefined}
          help={noteIssue}
        >
          <Input.TextArea
            autoFocus
            rows={6}
            showCount
            maxLength={EMERGENCY_NOTE_MAX}
            placeholder={t('emergencyAccess.notePlaceholder')}
            data-testid="emergency-note-text"
          />
        </Form.Item>
        <Form.Item
          name="occurredAt"
          label={t('emergencyAccess.occurredAt')}
          extra={timeIssue ? undefined : t('emergencyAccess.occurredAtHint')}
          validateStatus={timeIssue ? 'error' : undefined}
          help={timeIssue}
        >
          <DatePicker
            showTime={{ format: 'HH:mm' }}
            format="YYYY-MM-DD HH:mm"
            disabledDate={(d) => d.isAfter(dayjs(), 'day')}
            style={{ width: 240 }}
            data-testid="emergency-note-time"
          />
        </Form.Item>
      </Form>
      {save.error && !noteIssue && !timeIssue && (
        <Alert type="error" showIcon title={errorMessage(t, save.error)} data-testid="emergency-note-error" />
      )}
    </Modal>
  );
}
