import { Alert, App, Button, Dropdown, Empty, Space, Table, Tag, Tooltip, Typography, type TableColumnsType } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router-dom';
import { errorMessage } from '../../../i18n/errors';
import { formatDate } from '../../../lib/format';
import { useCurrentUser } from '../../auth/auth.resource';
import { RiskBadge } from '../../residents/components/tags';
import { offersAny, type RecordActions } from '../../residents/record-actions.logic';
import type { ProgrammeEnrolment, ResidentRecord } from '../../residents/residents.types';
import { followUpPath, isFollowUpProgramme } from '../../worklist/worklist.logic';
import { activeContract } from '../care.logic';
import { useContracts } from '../care.resource';
import type { ContractEntry, ContractStatus } from '../care.types';
import { ChangeTeamDialog, RenewDialog, TerminateDialog } from './ContractActionDialogs';
import { ContractDialog } from './ContractDialog';
import { EnrolDialog } from './EnrolDialog';
import { ScreeningDialog } from './ScreeningDialog';
import { SelfCareDialog } from './SelfCareDialog';

const STATUS_COLOURS: Record<ContractStatus, string> = { active: 'green', superseded: 'default', terminated: 'red' };

type Dialog =
  | { kind: 'sign' }
  | { kind: 'screening' }
  | { kind: 'enrol' }
  | { kind: 'selfCare' }
  | { kind: 'renew' | 'changeTeam' | 'terminate'; contract: ContractEntry }
  | null;

interface Props {
  resident: ResidentRecord;
  /** Something changed: reload the record (header, programmes, colour). */
  onChanged: () => void;
  /** What this user may do here (record-actions.logic): nothing for residents and administrators, nothing but
   * the emergency note (offered by the record page) inside break-the-glass. */
  actions: RecordActions;
}

/** 慢病管理: programmes with colour and schedule, the contract history, and the chronic-care actions. */
export function ProgrammesTab({ resident: r, onChanged, actions }: Props) {
  const { t, i18n } = useTranslation();
  const { message } = App.useApp();
  const navigate = useNavigate();
  const user = useCurrentUser();
  const contracts = useContracts(r.id);
  const [dialog, setDialog] = useState<Dialog>(null);
  const active = activeContract(contracts.data?.items);
  const en = i18n.language === 'en';
  const followUpProgrammes = r.programmes.filter((p) => isFollowUpProgramme(p.programme));
  const elderly = r.age >= 65 || r.programmes.some((p) => p.programme === 'elderly');

  const openFollowUp = (programme: string) => {
    if (!isFollowUpProgramme(programme)) return;
    navigate(followUpPath(r.id, programme), { state: { from: `/residents/${r.id}?tab=programmes` } });
  };

  const changed = () => {
    onChanged();
    contracts.reload();
  };

  const closeWith = (didChange: boolean) => {
    setDialog(null);
    if (didChange) changed();
  };

  const programmeColumns: TableColumnsType<ProgrammeEnrolment> = [
    {
      title: t('care.cols.programme'),
      dataIndex: 'programme',
      width: 150,
      render: (p: string) => <strong>{t(`programme.${p}`, { defaultValue: p })}</strong>,
    },
    {
      title: t('care.cols.colour'),
      key: 'colour',
      render: (_, p) => {
        // Only hypertension and diabetes are graded (三色管理); the others have no colour.
        if (!p.riskColour) return <span className="kl-muted">{isFollowUpProgramme(p.programme) ? t('care.noColourYet') : '—'}</span>;
        const reason = en ? (p.riskReasonEn ?? p.riskReason) : (p.riskReason ?? p.riskReasonEn);
        return (
          <span className="kl-colour-cell">
            <RiskBadge colour={p.riskColour} />
            {reason && <span className="kl-muted kl-small">{reason}</span>}
          </span>
        );
      },
    },
    {
      title: t('care.cols.enrolledOn'),
      dataIndex: 'enrolledOn',
      width: 104,
      render: (v: string) => <span className="kl-mono">{formatDate(v)}</span>,
    },
    {
      title: t('care.cols.lastVisit'),
      key: 'last',
      width: 170,
      render: (_, p) =>
        p.lastVisitDate ? (
          <span>
            <span className="kl-mono">{formatDate(p.lastVisitDate)}</span>{' '}
            {p.lastControlled !== null && p.lastControlled !== undefined && (
              <Tag color={p.lastControlled ? 'green' : 'orange'} className="kl-tag-tight">
                {p.lastControlled ? t('followup.wasControlled') : t('followup.wasUncontrolled')}
              </Tag>
            )}
          </span>
        ) : (
          <span className="kl-muted">—</span>
        ),
    },
    {
      title: t('care.cols.nextDue'),
      dataIndex: 'nextDueDate',
      width: 104,
      render: (v: string | null) => (v ? <span className="kl-mono">{formatDate(v)}</span> : <span className="kl-muted">—</span>),
    },
    {
      title: t('care.cols.action'),
      key: 'action',
      width: 90,
      render: (_, p) =>
        actions.followUp && isFollowUpProgramme(p.programme) ? (
          <Button
            size="small"
            type="primary"
            ghost
            onClick={() => openFollowUp(p.programme)}
            data-testid={`programme-followup-${p.programme}`}
          >
            {t('worklist.followUp')}
          </Button>
        ) : null,
    },
  ];

  const contractColumns: TableColumnsType<ContractEntry> = [
    { title: t('care.cols.team'), dataIndex: 'teamName', ellipsis: true },
    {
      title: t('care.cols.package'),
      dataIndex: 'packageName',
      width: 120,
      render: (_, c) => t(`servicePackage.${c.packageCode}`, { defaultValue: c.packageName }),
    },
    {
      title: t('care.cols.keyPopulations'),
      dataIndex: 'keyPopulations',
      render: (ks: string[]) =>
        ks.length ? (
          ks.map((k) => (
            <Tag key={k} variant="outlined" className="kl-tag-tight">
              {t(`keyPopulation.${k}`, { defaultValue: k })}
            </Tag>
          ))
        ) : (
          <span className="kl-muted">—</span>
        ),
    },
    {
      title: t('care.cols.period'),
      key: 'period',
      width: 220,
      render: (_, c) => (
        <span className="kl-mono kl-nowrap">
          {formatDate(c.startDate)} ~ {formatDate(c.endDate)}
        </span>
      ),
    },
    {
      title: t('care.cols.status'),
      dataIndex: 'status',
      width: 130,
      render: (s: ContractStatus, c) => (
        <Tooltip title={c.endReason}>
          <Tag color={STATUS_COLOURS[s]} className="kl-tag-tight">
            {t(`contract.status.${s}`)}
          </Tag>
          {c.endReason && <span className="kl-muted kl-small">{c.endReason}</span>}
        </Tooltip>
      ),
    },
    {
      title: t('care.cols.action'),
      key: 'action',
      width: 190,
      render: (_, c) =>
        c.status === 'active' && offersAny(actions, ['renewContract', 'changeTeam', 'terminateContract']) ? (
          <Space size={4}>
            {actions.renewContract && (
              <Button size="small" onClick={() => setDialog({ kind: 'renew', contract: c })} data-testid="contract-renew">
                {t('contract.renew')}
              </Button>
            )}
            {actions.changeTeam && (
              <Button size="small" onClick={() => setDialog({ kind: 'changeTeam', contract: c })} data-testid="contract-change-team">
                {t('contract.changeTeam')}
              </Button>
            )}
            {actions.terminateContract && (
              <Button size="small" danger onClick={() => setDialog({ kind: 'terminate', contract: c })} data-testid="contract-terminate">
                {t('contract.terminate')}
              </Button>
            )}
          </Space>
        ) : null,
    },
  ];

  const afterContractAction = (kind: 'renew' | 'changeTeam' | 'terminate', teamId?: string) => {
    setDialog(null);
    // Ending the relationship ends this user's access to the record: back to the search.
    const lostAccess = kind === 'terminate' || (kind === 'changeTeam' && !!teamId && !user.teams.some((x) => x.id === teamId));
    if (lostAccess) {
      void message.info(t('contract.accessEnded'));
      navigate('/residents');
      return;
    }
    changed();
  };

  return (
    <div className="kl-programmes" data-testid="programmes-tab">
      {offersAny(actions, ['signContract', 'screening', 'enrol', 'followUp', 'selfCare']) && (
        <div className="kl-action-bar" data-testid="care-actions">
          {actions.signContract && contracts.data && !active && (
            <Button type="primary" onClick={() => setDialog({ kind: 'sign' })} data-testid="action-sign">
              {t('care.actions.sign')}
            </Button>
          )}
          {actions.screening && (
            <Button onClick={() => setDialog({ kind: 'screening' })} data-testid="action-screening">
              {t('care.actions.screening')}
            </Button>
          )}
          {actions.enrol && (
            <Button onClick={() => setDialog({ kind: 'enrol' })} data-testid="action-enrol">
              {t('care.actions.enrol')}
            </Button>
          )}
          {actions.followUp && followUpProgrammes.length === 1 && (
            <Button type="primary" ghost onClick={() => openFollowUp(followUpProgrammes[0]!.programme)} data-testid="action-followup">
              {t('care.actions.followUpOf', { programme: t(`followup.short.${followUpProgrammes[0]!.programme}`) })}
            </Button>
          )}
          {actions.followUp && followUpProgrammes.length > 1 && (
            <Dropdown
              menu={{
                items: followUpProgrammes.map((p) => ({ key: p.programme, label: t(`followup.title.${p.programme}`) })),
                onClick: ({ key }) => openFollowUp(key),
              }}
            >
              <Button type="primary" ghost data-testid="action-followup">
                {t('care.actions.followUp')} ▾
              </Button>
            </Dropdown>
          )}
          {actions.selfCare && elderly && (
            <Button onClick={() => setDialog({ kind: 'selfCare' })} data-testid="action-self-care">
              {t('care.actions.selfCare')}
            </Button>
          )}
        </div>
      )}

      <Typography.Title level={5} className="kl-section-title">
        {t('care.programmes')}
      </Typography.Title>
      {r.programmes.length ? (
        <Table<ProgrammeEnrolment>
          size="small"
          rowKey="programme"
          columns={programmeColumns}
          dataSource={r.programmes}
          pagination={false}
          tableLayout="fixed"
          scroll={{ x: 860 }}
          data-testid="programmes-table"
        />
      ) : (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('care.noProgrammes')} />
      )}

      <Typography.Title level={5} className="kl-section-title kl-section-gap">
        {t('care.contracts')}
      </Typography.Title>
      {contracts.error ? (
        <Alert
          type="error"
          showIcon
          title={errorMessage(t, contracts.error)}
          action={
            <Button size="small" onClick={contracts.reload}>
              {t('common.retry')}
            </Button>
          }
        />
      ) : (
        <Table<ContractEntry>
          size="small"
          rowKey="id"
          columns={contractColumns}
          dataSource={contracts.data?.items ?? []}
          loading={contracts.loading}
          pagination={false}
          tableLayout="fixed"
          scroll={{ x: 960 }}
          locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('care.noContracts')} /> }}
          data-testid="contracts-table"
        />
      )}

      {dialog?.kind === 'sign' && (
        <ContractDialog open residentId={r.id} residentName={r.name} onClose={() => setDialog(null)} onSigned={() => closeWith(true)} />
      )}
      {dialog?.kind === 'screening' && <ScreeningDialog residentId={r.id} residentName={r.name} onClose={closeWith} />}
      {dialog?.kind === 'enrol' && (
        <EnrolDialog residentId={r.id} residentName={r.name} enrolled={r.programmes.map((p) => p.programme)} onClose={closeWith} />
      )}
      {dialog?.kind === 'selfCare' && <SelfCareDialog residentId={r.id} residentName={r.name} onClose={closeWith} />}
      {dialog?.kind === 'renew' && (
        <RenewDialog
          contract={dialog.contract}
          residentName={r.name}
          onClose={() => setDialog(null)}
          onDone={() => afterContractAction('renew')}
        />
      )}
      {dialog?.kind === 'changeTeam' && (
        <ChangeTeamDialog
          contract={dialog.contract}
          residentName={r.name}
          onClose={() => setDialog(null)}
          onDone={({ teamId }) => afterContractAction('changeTeam', teamId)}
        />
      )}
      {dialog?.kind === 'terminate' && (
        <TerminateDialog
          contract={dialog.contract}
          residentName={r.name}
          onClose={() => setDialog(null)}
          onDone={() => afterContractAction('terminate')}
        />
      )}
    </div>
  );
}
