import { Alert, App, Checkbox, Form, Input, Modal, Select } from 'antd';
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { errorMessage } from '../../../i18n/errors';
import { formatDate } from '../../../lib/format';
import { useInstitutions } from '../../reference/reference.resource';
import { useChangeTeam, useRenewContract, useTerminateContract } from '../care.resource';
import { KEY_POPULATIONS, type ContractEntry, type KeyPopulation } from '../care.types';
import { usePackageOptions } from './ContractDialog';

interface Props {
  contract: ContractEntry;
  residentName: string;
  onClose: () => void;
  onDone: (result: { teamId?: string }) => void;
}

const REASON_MIN = 2;

/** 续约: another year from the old end date, optionally with another package or flags. */
export function RenewDialog({ contract, residentName, onClose, onDone }: Props) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const renew = useRenewContract();
  const packages = usePackageOptions();
  const [form] = Form.useForm<{ packageCode: string; keyPopulations: KeyPopulation[] }>();

  const onOk = async () => {
    const v = await form.validateFields();
    try {
      const res = await renew.run({ contractId: contract.id, packageCode: v.packageCode, keyPopulations: v.keyPopulations });
      void message.success(t('contract.renewed', { name: residentName, end: formatDate(res.endDate) }));
      onDone({ teamId: res.teamId });
    } catch {
      // shown below
    }
  };

  return (
    <Modal
      open
      title={t('contract.renewTitle', { name: residentName })}
      okText={t('contract.renew')}
      cancelText={t('common.cancel')}
      onOk={onOk}
      onCancel={onClose}
      confirmLoading={renew.pending}
      destroyOnHidden
      width={560}
    >
      <p className="kl-muted">{t('contract.renewHint', { end: formatDate(contract.endDate) })}</p>
      <Form
        form={form}
        layout="vertical"
        initialValues={{
          packageCode: contract.packageCode,
          keyPopulations: contract.keyPopulations.filter((k) => (KEY_POPULATIONS as readonly string[]).includes(k)),
        }}
      >
        <Form.Item name="packageCode" label={t('contract.package')} rules={[{ required: true }]}>
          <Select options={packages.options} loading={packages.loading} />
        </Form.Item>
        <Form.Item name="keyPopulations" label={t('contract.keyPopulations')}>
          <Checkbox.Group className="kl-checks" options={KEY_POPULATIONS.map((k) => ({ value: k, label: t(`keyPopulation.${k}`) }))} />
        </Form.Item>
      </Form>
      {renew.error && <Alert type="error" showIcon title={errorMessage(t, renew.error)} />}
    </Modal>
  );
}

/** 变更团队: a new contract with another team from today; the open tasks follow the resident. */
export function ChangeTeamDialog({ contract, residentName, onClose, onDone }: Props) {
  const { t, i18n } = useTranslation();
  const { message } = App.useApp();
  const change = useChangeTeam();
  const institutions = useInstitutions();
  const [form] = Form.useForm<{ teamId: string; reason: string }>();
  const options = useMemo(
    () =>
      (institutions.data?.items ?? [])
        .filter((i) => i.teams.length > 0)
        .map((i) => ({
          label: i18n.language === 'en' ? i.nameEn || i.name : i.name,
          title: i.name,
          options: i.teams.filter((x) => x.id !== contract.teamId).map((x) => ({ value: x.id, label: x.name })),
        })),
    [institutions.data, contract.teamId, i18n.language],
  );

  const onOk = async () => {
    const v = await form.validateFields();
    try {
      const res = await change.run({ contractId: contract.id, teamId: v.teamId, reason: v.reason.trim() });
      void message.success(t('contract.teamChanged', { name: residentName }));
      onDone({ teamId: res.teamId });
    } catch {
      // shown below
    }
  };

  return (
    <Modal
      open
      title={t('contract.changeTeamTitle', { name: residentName })}
      okText={t('contract.changeTeam')}
      cancelText={t('common.cancel')}
      onOk={onOk}
      onCancel={onClose}
      confirmLoading={change.pending}
      destroyOnHidden
      width={560}
    >
      <p className="kl-muted">{t('contract.changeTeamHint', { team: contract.teamName })}</p>
      <Form form={form} layout="vertical">
        <Form.Item
          name="teamId"
          label={t('contract.newTeam')}
          rules={[{ required: true, message: t('contract.teamRequired') }]}
          validateStatus={change.error?.issueFor('teamId') ? 'error' : undefined}
          help={change.error?.issueFor('teamId')}
        >
          <Select
            showSearch
            optionFilterProp="label"
            options={options}
            loading={institutions.loading}
            placeholder={t('contract.teamRequired')}
          />
        </Form.Item>
        <Form.Item
          name="reason"
          label={t('contract.reason')}
          rules={[{ required: true, whitespace: true, min: REASON_MIN, message: t('contract.reasonRequired') }]}
          validateStatus={change.error?.issueFor('reason') ? 'error' : undefined}
          help={change.error?.issueFor('reason')}
        >
          <Input.TextArea rows={2} maxLength={500} placeholder={t('contract.changeReasonPlaceholder')} />
        </Form.Item>
      </Form>
      {change.error && !change.error.issues.length && <Alert type="error" showIcon title={errorMessage(t, change.error)} />}
    </Modal>
  );
}

/** 解约: ends the contract with a reason (kept in the history). */
export function TerminateDialog({ contract, residentName, onClose, onDone }: Props) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const terminate = useTerminateContract();
  const [form] = Form.useForm<{ reason: string }>();

  const onOk = async () => {
    const v = await form.validateFields();
    try {
      await terminate.run({ contractId: contract.id, reason: v.reason.trim() });
      void message.success(t('contract.terminated', { name: residentName }));
      onDone({});
    } catch {
      // shown below
    }
  };

  return (
    <Modal
      open
      title={t('contract.terminateTitle', { name: residentName })}
      okText={t('contract.terminate')}
      okButtonProps={{ danger: true }}
      cancelText={t('common.cancel')}
      onOk={onOk}
      onCancel={onClose}
      confirmLoading={terminate.pending}
      destroyOnHidden
      width={520}
    >
      <Alert type="warning" showIcon className="kl-block" title={t('contract.terminateWarning', { team: contract.teamName })} />
      <Form form={form} layout="vertical">
        <Form.Item
          name="reason"
          label={t('contract.reason')}
          rules={[{ required: true, whitespace: true, min: REASON_MIN, message: t('contract.reasonRequired') }]}
          validateStatus={terminate.error?.issueFor('reason') ? 'error' : undefined}
          help={terminate.error?.issueFor('reason')}
        >
          <Input.TextArea rows={2} maxLength={500} placeholder={t('contract.terminateReasonPlaceholder')} />
        </Form.Item>
      </Form>
      {terminate.error && !terminate.error.issues.length && <Alert type="error" showIcon title={errorMessage(t, terminate.error)} />}
    </Modal>
  );
}
