import { Alert, Button, DatePicker, Form, Input, List, Modal, Radio, Tag } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { errorMessage } from '../../../i18n/errors';
import { formatDate } from '../../../lib/format';
import { MOBILE_SHAPE, NATIONAL_ID_SHAPE } from '../care.logic';
import { useRegisterResident } from '../care.resource';
import type { RegisterResidentBody, RegisteredResident } from '../care.types';

interface Values {
  name: string;
  idMode: 'national_id' | 'none';
  nationalId?: string;
  sex?: 'male' | 'female';
  birthDate?: Dayjs;
  phone?: string;
  address?: string;
}

interface Props {
  onClose: () => void;
  /** The new resident, to sign a contract with at once. */
  onSign: (resident: { id: string; name: string }) => void;
  /** A national ID already on file: search for it instead. */
  onSearch: (q: string) => void;
}

/** 新建居民: registers a resident in the master index and shows records that may be the same person. */
export function RegisterResidentDialog({ onClose, onSign, onSearch }: Props) {
  const { t } = useTranslation();
  const register = useRegisterResident();
  const [form] = Form.useForm<Values>();
  const idMode = Form.useWatch('idMode', form) ?? 'national_id';
  const [result, setResult] = useState<(RegisteredResident & { name: string; nationalId?: string }) | null>(null);

  const onOk = async () => {
    const v = await form.validateFields();
    const body: RegisterResidentBody = {
      name: v.name.trim(),
      ...(v.idMode === 'national_id'
        ? { nationalId: v.nationalId!.trim().toUpperCase() }
        : { sex: v.sex!, birthDate: v.birthDate!.format('YYYY-MM-DD') }),
      ...(v.phone?.trim() ? { phone: v.phone.trim() } : {}),
      ...(v.address?.trim() ? { address: v.address.trim() } : {}),
    };
    try {
      const res = await register.run(body);
      setResult({ ...res, name: body.name, nationalId: body.nationalId });
    } catch {
      // shown below
    }
  };

  const err = register.error;
  const issue = (f: string) => err?.issueFor(f);
  const duplicateId = err?.code === 'duplicate_national_id';

  return (
    <Modal
      open
      title={t('register.title')}
      onCancel={onClose}
      destroyOnHidden
      width={600}
      footer={
        result
          ? [
              <Button key="done" onClick={onClose}>
                {t('common.done')}
              </Button>,
              <Button key="sign" type="primary" onClick={() => onSign({ id: result.id, name: result.name })} data-testid="register-sign">
                {t('register.signNow')}
              </Button>,
            ]
          : [
              <Button key="cancel" onClick={onClose}>
                {t('common.cancel')}
              </Button>,
              <Button key="ok" type="primary" loading={register.pending} onClick={onOk} data-testid="register-submit">
                {t('register.submit')}
              </Button>,
            ]
      }
    >
      {result ? (
        <div data-testid="register-result">
          <Alert
            type="success"
            showIcon
            className="kl-block"
            title={t('register.done', { name: result.name })}
            description={t('register.doneHint')}
          />
          {result.possibleDuplicates.length > 0 && (
            <Alert
              type="warning"
              showIcon
              data-testid="register-duplicates"
              title={t('register.duplicates', { count: result.possibleDuplicates.length })}
              description={
                <List
                  size="small"
                  dataSource={result.possibleDuplicates}
                  renderItem={(d) => (
                    <List.Item key={d.id}>
                      <span className="kl-dup">
                        <strong>{d.name}</strong> · {t(`sex.${d.sex}`, { defaultValue: d.sex })} · {formatDate(d.birthDate)}
                        {d.nationalIdMasked && <span className="kl-mono"> · {d.nationalIdMasked}</span>}
                        {d.phoneMasked && <span className="kl-mono"> · {d.phoneMasked}</span>}{' '}
                        {d.likely ? <Tag color="red">{t('register.likely')}</Tag> : <Tag>{t('register.possible')}</Tag>}
                        <span className="kl-muted kl-small">{t('register.score', { score: Math.round(d.score * 100) })}</span>
                      </span>
                    </List.Item>
                  )}
                />
              }
            />
          )}
        </div>
      ) : (
        <Form<Values> form={form} layout="vertical" initialValues={{ idMode: 'national_id' }} data-testid="register-form">
          <div className="kl-form-grid">
            <Form.Item
              name="name"
              label={t('resident.name')}
              rules={[{ required: true, whitespace: true, message: t('register.nameRequired') }]}
              className="kl-fi"
              validateStatus={issue('name') ? 'error' : undefined}
              help={issue('name')}
            >
              <Input maxLength={50} autoFocus data-testid="register-name" />
            </Form.Item>
            <Form.Item name="idMode" label={t('register.identity')} className="kl-fi kl-fi-wide">
              <Radio.Group
                optionType="button"
                options={[
                  { value: 'national_id', label: t('register.withNationalId') },
                  { value: 'none', label: t('register.withoutNationalId') },
                ]}
              />
            </Form.Item>
            {idMode === 'national_id' ? (
              <Form.Item
                name="nationalId"
                label={t('resident.nationalId')}
                className="kl-fi kl-fi-wide"
                rules={[
                  { required: true, message: t('register.nationalIdRequired') },
                  { pattern: NATIONAL_ID_SHAPE, message: t('register.nationalIdShape') },
                ]}
                validateStatus={issue('nationalId') ? 'error' : undefined}
                help={issue('nationalId')}
                tooltip={t('register.nationalIdHint')}
              >
                <Input maxLength={18} className="kl-mono" autoComplete="off" spellCheck={false} data-testid="register-national-id" />
              </Form.Item>
            ) : (
              <>
                <Form.Item
                  name="sex"
                  label={t('resident.sex')}
                  rules={[{ required: true, message: t('register.sexRequired') }]}
                  className="kl-fi"
                >
                  <Radio.Group
                    options={[
                      { value: 'male', label: t('sex.male') },
                      { value: 'female', label: t('sex.female') },
                    ]}
                  />
                </Form.Item>
                <Form.Item
                  name="birthDate"
                  label={t('register.birthDate')}
                  rules={[{ required: true, message: t('register.birthDateRequired') }]}
                  className="kl-fi"
                  validateStatus={issue('birthDate') ? 'error' : undefined}
                  help={issue('birthDate')}
                >
                  <DatePicker disabledDate={(d) => d.isAfter(dayjs(), 'day')} style={{ width: '100%' }} />
                </Form.Item>
              </>
            )}
            <Form.Item
              name="phone"
              label={t('resident.phone')}
              className="kl-fi"
              rules={[{ pattern: MOBILE_SHAPE, message: t('register.phoneShape') }]}
              validateStatus={issue('phone') ? 'error' : undefined}
              help={issue('phone')}
            >
              <Input maxLength={11} className="kl-mono" inputMode="tel" />
            </Form.Item>
            <Form.Item name="address" label={t('resident.address')} className="kl-fi kl-fi-wide">
              <Input maxLength={200} />
            </Form.Item>
          </div>
        </Form>
      )}
      {err && !err.issues.length && (
        <Alert
          type="error"
          showIcon
          data-testid="register-error"
          title={duplicateId ? t('register.nationalIdExists') : errorMessage(t, err)}
          action={
            duplicateId ? (
              <Button size="small" onClick={() => onSearch(form.getFieldValue('nationalId') as string)}>
                {t('register.findIt')}
              </Button>
            ) : undefined
          }
        />
      )}
    </Modal>
  );
}
