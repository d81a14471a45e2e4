import { Alert, App, Checkbox, DatePicker, Form, Modal, Select } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { errorMessage } from '../../../i18n/errors';
import { formatDate } from '../../../lib/format';
import { useCurrentUser } from '../../auth/auth.resource';
import { useInstitutions, useServicePackages } from '../../reference/reference.resource';
import { feeYuan } from '../care.logic';
import { useSignContract } from '../care.resource';
import { KEY_POPULATIONS, type KeyPopulation, type SignedContract } from '../care.types';

interface Values {
  teamId: string;
  packageCode: string;
  keyPopulations: KeyPopulation[];
  startDate: Dayjs;
}

interface Props {
  open: boolean;
  residentId: string;
  residentName: string;
  onClose: () => void;
  onSigned: (contract: SignedContract) => void;
}

/** Package options in the UI language, with the annual fee of personalised packages. */
export function usePackageOptions() {
  const { t, i18n } = useTranslation();
  const packages = useServicePackages();
  const options = (packages.data?.items ?? []).map((p) => {
    const fee = feeYuan(p.annualFeeCents);
    const name = i18n.language === 'en' ? p.nameEn : p.name;
    return { value: p.code, label: fee ? `${name} · ${t('contract.feePerYear', { fee })}` : `${name} · ${t('contract.free')}` };
  });
  return { options, loading: packages.loading, error: packages.error };
}

/** Teams the user may sign for: their own; an institution admin, the teams of their institution. */
export function useSigningTeams() {
  const user = useCurrentUser();
  const institutions = useInstitutions();
  return useMemo(() => {
    if (user.teams.length) return user.teams.map((x) => ({ value: x.id, label: x.name }));
    const own = institutions.data?.items.find((i) => i.id === user.institutionId);
    return (own?.teams ?? []).map((x) => ({ value: x.id, label: x.name }));
  }, [user, institutions.data]);
}

/** 签约: a one-year family-doctor contract with one of the user's teams. */
export function ContractDialog({ open, residentId, residentName, onClose, onSigned }: Props) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const sign = useSignContract();
  const [form] = Form.useForm<Values>();
  const teams = useSigningTeams();
  const packages = usePackageOptions();

  const onOk = async () => {
    const v = await form.validateFields();
    try {
      const res = await sign.run({
        residentId,
        teamId: v.teamId,
        packageCode: v.packageCode,
        keyPopulations: v.keyPopulations ?? [],
        startDate: v.startDate.format('YYYY-MM-DD'),
      });
      void message.success(t('contract.signed', { name: residentName, start: formatDate(res.startDate), end: formatDate(res.endDate) }));
      form.resetFields();
      onSigned(res);
    } catch {
      // shown below
    }
  };

  const err = sign.error;
  const fieldError = (f: string) => err?.issueFor(f);

  return (
    <Modal
      open={open}
      title={t('contract.signTitle', { name: residentName })}
      okText={t('contract.sign')}
      cancelText={t('common.cancel')}
      onOk={onOk}
      onCancel={() => {
        sign.reset();
        onClose();
      }}
      confirmLoading={sign.pending}
      destroyOnHidden
      okButtonProps={{ 'data-testid': 'contract-submit' } as never}
      width={560}
    >
      <Form<Values>
        form={form}
        layout="vertical"
        preserve={false}
        initialValues={{ teamId: teams[0]?.value, packageCode: 'basic', keyPopulations: [], startDate: dayjs() }}
        data-testid="contract-form"
      >
        <Form.Item
          name="teamId"
          label={t('contract.team')}
          rules={[{ required: true, message: t('contract.teamRequired') }]}
          validateStatus={fieldError('teamId') ? 'error' : undefined}
          help={fieldError('teamId')}
        >
          <Select options={teams} placeholder={t('contract.teamRequired')} data-testid="contract-team" />
        </Form.Item>
        <Form.Item
          name="packageCode"
          label={t('contract.package')}
          rules={[{ required: true, message: t('contract.packageRequired') }]}
          validateStatus={fieldError('packageCode') ? 'error' : undefined}
          help={fieldError('packageCode')}
        >
          <Select options={packages.options} loading={packages.loading} data-testid="contract-package" />
        </Form.Item>
        <Form.Item name="keyPopulations" label={t('contract.keyPopulations')} tooltip={t('contract.keyPopulationsHint')}>
          <Checkbox.Group className="kl-checks" options={KEY_POPULATIONS.map((k) => ({ value: k, label: t(`keyPopulation.${k}`) }))} />
        </Form.Item>
        <Form.Item
          name="startDate"
          label={t('contract.startDate')}
          tooltip={t('contract.startDateHint')}
          rules={[{ required: true }]}
          validateStatus={fieldError('startDate') ? 'error' : undefined}
          help={fieldError('startDate')}
        >
          <DatePicker
            allowClear={false}
            disabledDate={(d) => d.isAfter(dayjs(), 'day') || !d.isAfter(dayjs().subtract(1, 'year'), 'day')}
            style={{ width: 200 }}
          />
        </Form.Item>
      </Form>
      {err && !err.issues.length && (
        <Alert
          type="error"
          showIcon
          title={err.code === 'contract_active' ? t('contract.alreadyActive') : errorMessage(t, err)}
          data-testid="contract-error"
        />
      )}
      {packages.error && <Alert type="warning" showIcon title={errorMessage(t, packages.error)} />}
    </Modal>
  );
}
