import { Alert, Descriptions, Form, Input, Modal, Radio } from 'antd';
import { useTranslation } from 'react-i18next';
import { isApiError } from '../../../api/client';
import { errorMessage } from '../../../i18n/errors';
import { formatDateTime, maskNationalId } from '../../../lib/format';
import { REVIEW_NOTE_MAX, noteRequired, reviewBody } from '../access-review.logic';
import { useReviewAccess } from '../access-review.resource';
import { REVIEW_OUTCOMES, type BreakGlassAccess, type ReviewOutcome } from '../access-review.types';

interface Props {
  access: BreakGlassAccess;
  /** The judgement the administrator clicked in the list (changeable here). */
  initialOutcome: ReviewOutcome;
  onClose: () => void;
  /** Recorded (204). */
  onReviewed: (outcome: ReviewOutcome) => void;
  /** Someone else reviewed it first (409): the list should be refreshed. */
  onConflict: () => void;
}

interface Values {
  outcome: ReviewOutcome;
  note?: string;
}

/** 审核: the administrator's judgement of one break-the-glass access (合理 / 不合理) with an optional 审核意见. */
export function ReviewDialog({ access, initialOutcome, onClose, onReviewed, onConflict }: Props) {
  const { t } = useTranslation();
  const review = useReviewAccess();
  const [form] = Form.useForm<Values>();
  const outcome = Form.useWatch('outcome', form) ?? initialOutcome;

  const onOk = async () => {
    const v = await form.validateFields();
    const built = reviewBody(v.outcome, v.note);
    if ('problem' in built) {
      form.setFields([{ name: 'note', errors: [t(`accessReview.problems.${built.problem}`, { max: REVIEW_NOTE_MAX })] }]);
      return;
    }
    try {
      await review.run({ id: access.id, body: built.body });
      onReviewed(v.outcome);
    } catch (e) {
      if (isApiError(e) && e.status === 409) onConflict();
    }
  };

  const noteIssue = review.error?.issueFor('note');

  return (
    <Modal
      open
      title={t('accessReview.dialogTitle', { actor: access.actorName })}
      okText={t('accessReview.submit')}
      cancelText={t('common.cancel')}
      onOk={onOk}
      onCancel={onClose}
      confirmLoading={review.pending}
      okButtonProps={{ 'data-testid': 'review-submit' } as never}
      destroyOnHidden
      width={600}
    >
      <Descriptions
        size="small"
        column={1}
        className="kl-block"
        items={[
          { key: 'time', label: t('accessReview.cols.time'), children: formatDateTime(access.createdAt) },
          {
            key: 'resident',
            label: t('accessReview.cols.resident'),
            children: <span className="kl-mono">{maskNationalId(access.residentIdMasked) ?? t('accessReview.noNationalId')}</span>,
          },
          { key: 'reason', label: t('accessReview.cols.reason'), children: access.reason },
          ...(access.emergencyNote ? [{ key: 'note', label: t('accessReview.cols.emergencyNote'), children: access.emergencyNote }] : []),
        ]}
      />
      <Form form={form} layout="vertical" initialValues={{ outcome: initialOutcome }} disabled={review.pending}>
        <Form.Item name="outcome" label={t('accessReview.cols.outcome')} rules={[{ required: true }]}>
          <Radio.Group
            optionType="button"
            buttonStyle="solid"
            options={REVIEW_OUTCOMES.map((o) => ({ value: o, label: t(`accessReview.outcome.${o}`) }))}
            data-testid="review-outcome"
          />
        </Form.Item>
        <Form.Item
          name="note"
          label={t('accessReview.note')}
          required={noteRequired(outcome)}
          validateStatus={noteIssue ? 'error' : undefined}
          help={noteIssue}
        >
          <Input.TextArea
            rows={3}
            showCount
            maxLength={REVIEW_NOTE_MAX}
            placeholder={t(noteRequired(outcome) ? 'accessReview.notePlaceholderRequired' : 'accessReview.notePlaceholder')}
            data-testid="review-note"
          />
        </Form.Item>
      </Form>
      {review.error && !noteIssue && (
        <Alert
          type={review.error.status === 409 ? 'info' : 'error'}
          showIcon
          title={review.error.status === 409 ? t('accessReview.alreadyReviewed') : errorMessage(t, review.error)}
          data-testid="review-error"
        />
      )}
    </Modal>
  );
}
