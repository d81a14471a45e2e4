import { Alert, App, Button, Pagination, Result, Segmented, Select, Space, Tabs, Typography } from 'antd';
import { useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useLocation, useNavigate, useSearchParams } from 'react-router-dom';
import { isApiError } from '../../api/client';
import { errorMessage } from '../../i18n/errors';
import { useCurrentUser } from '../auth/auth.resource';
import { ScreeningDialog } from '../care/components/ScreeningDialog';
import { WorklistTable } from './components/WorklistTable';
import {
  WORKLIST_PAGE_SIZE,
  followUpPath,
  isFollowUpProgramme,
  knownTotal,
  readView,
  takesFollowUp,
  writeView,
  type WorklistView,
} from './worklist.logic';
import { useCompleteTask, useWorklist } from './worklist.resource';
import {
  RISK_COLOURS,
  WORKLIST_BUCKETS,
  WORKLIST_PROGRAMMES,
  WORKLIST_SORTS,
  type WorklistBucket,
  type WorklistItem,
  type WorklistResponse,
} from './worklist.types';

const isTyping = (el: Element | null) =>
  !!el && (el.tagName === 'INPUT' || el.tagName === 'TEXTAREA' || el.tagName === 'SELECT' || (el as HTMLElement).isContentEditable);

/** 工作清单: the team's due, overdue, urgent and referred-back work, for the first hour of the day. */
export default function WorklistPage() {
  const { t, i18n } = useTranslation();
  const user = useCurrentUser();
  const navigate = useNavigate();
  const location = useLocation();
  const [params, setParams] = useSearchParams();
  const teamIds = useMemo(() => user.teams.map((team) => team.id), [user.teams]);
  const view = readView(params, teamIds);
  const tableRef = useRef<HTMLDivElement>(null);

  const query = view.teamId
    ? {
        teamId: view.teamId,
        assigneeId: view.mine ? user.id : undefined,
        bucket: view.bucket,
        programme: view.programme ?? undefined,
        colour: view.colour ?? undefined,
        sort: view.sort,
        offset: (view.page - 1) * WORKLIST_PAGE_SIZE,
      }
    : null;
  const worklist = useWorklist(query);
  const complete = useCompleteTask();
  const { message } = App.useApp();
  const [completing, setCompleting] = useState<string | null>(null);
  const [screening, setScreening] = useState<WorklistItem | null>(null);

  // Counts and the date stay on screen while the next bucket loads (no flicker of the tab badges).
  const [last, setLast] = useState<WorklistResponse>();
  useEffect(() => {
    if (worklist.data) setLast(worklist.data);
  }, [worklist.data]);
  const shown = worklist.data ?? last;

  const update = (patch: Partial<WorklistView>) => {
    const next = { ...view, page: 1, ...patch };
    // A new bucket starts from its natural order (overdue: longest overdue first).
    if (patch.bucket && !patch.sort) next.sort = patch.bucket === 'overdue' ? 'overdue' : 'due';
    setParams(writeView(next, teamIds), { replace: true });
  };

  const openFollowUp = (item: WorklistItem) => {
    if (!isFollowUpProgramme(item.programme)) return;
    navigate(followUpPath(item.residentId, item.programme), { state: { from: `${location.pathname}${location.search}` } });
  };
  const openRecord = (item: WorklistItem) => navigate(`/residents/${item.residentId}`);
  const onComplete = async (item: WorklistItem) => {
    setCompleting(item.id);
    try {
      await complete.run({ residentId: item.residentId, taskId: item.id, doneOn: worklist.data?.today ?? last?.today ?? '' });
      void message.success(t('worklist.completed', { name: item.residentName }));
      worklist.reload();
    } catch (e) {
      void message.error(isApiError(e) ? errorMessage(t, e) : t('errors.unexpected'));
    } finally {
      setCompleting(null);
    }
  };
  const activate = (item: WorklistItem) => (takesFollowUp(item) ? openFollowUp(item) : openRecord(item));

  // 1–5 switch buckets; ↓ enters the list (when not typing in a field).
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.ctrlKey || e.metaKey || e.altKey || isTyping(document.activeElement)) return;
      const n = Number(e.key);
      if (Number.isInteger(n) && n >= 1 && n <= WORKLIST_BUCKETS.length) {
        e.preventDefault();
        update({ bucket: WORKLIST_BUCKETS[n - 1]! });
      } else if (e.key === 'ArrowDown' && !(document.activeElement as HTMLElement | null)?.closest('tr[data-row-key]')) {
        const first = tableRef.current?.querySelector<HTMLElement>('tr[data-row-key]');
        if (first) {
          e.preventDefault();
          first.focus();
        }
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  });

  if (!view.teamId) {
    return <Result status="info" title={t('worklist.noTeam')} subTitle={t('worklist.noTeamHint')} />;
  }

  const team = user.teams.find((x) => x.id === view.teamId);
  const counts = shown?.counts;
  const total = knownTotal(view, counts);
  const items = worklist.data?.items ?? (worklist.loading ? (last?.items ?? []) : []);
  const hasMore = items.length >= WORKLIST_PAGE_SIZE;
  const pagerTotal = total ?? (view.page - 1) * WORKLIST_PAGE_SIZE + items.length + (hasMore ? 1 : 0);
  const today = shown?.today ?? '';

  const bucketLabel = (b: WorklistBucket) => t(`worklist.buckets.${b}`);
  const tabItems = WORKLIST_BUCKETS.map((b, i) => ({
    key: b,
    label: (
      <span data-testid={`bucket-${b}`} title={`${bucketLabel(b)} (${i + 1})`}>
        {bucketLabel(b)}
        <span className={`kl-tab-count${counts?.[b] ? ` kl-tab-count-${b}` : ''}`} data-testid={`bucket-count-${b}`}>
          {counts ? counts[b] : '·'}
        </span>
      </span>
    ),
  }));

  return (
    <div className="kl-page kl-worklist-page">
      <div className="kl-print-only kl-print-head" data-testid="worklist-print-head">
        <div className="kl-print-title">
          {t('app.name')} · {t('worklist.title')}
        </div>
        <div>
          {t('worklist.printLine', {
            team: team?.name ?? '',
            bucket: bucketLabel(view.bucket),
            scope: view.mine ? t('worklist.onlyMine') : t('worklist.wholeTeam'),
            date: today,
          })}
          {view.programme && ` · ${t(`worklist.programmes.${view.programme}`)}`}
          {view.colour && ` · ${t(`risk.${view.colour}`)}`}
          {` · ${t('worklist.printCount', { count: items.length })}`}
        </div>
      </div>

      <div className="kl-page-head kl-no-print">
        <Typography.Title level={4} className="kl-page-title">
          {t('worklist.title')}
        </Typography.Title>
        <Typography.Text type="secondary">{today ? t('worklist.today', { date: today }) : ''}</Typography.Text>
        <span className="kl-grow" />
        <span className="kl-kbd-hints kl-small kl-muted">
          <kbd>1</kbd>–<kbd>5</kbd> {t('worklist.kbdBuckets')} <kbd>↑</kbd>
          <kbd>↓</kbd> {t('worklist.kbdRows')} <kbd>Enter</kbd> {t('worklist.kbdOpen')}
        </span>
        <Button onClick={() => window.print()} data-testid="worklist-print">
          {t('worklist.print')}
        </Button>
      </div>

      <div className="kl-toolbar kl-no-print" data-testid="worklist-filters">
        <Space wrap size={[12, 8]}>
          <label className="kl-inline-field">
            <span className="kl-field-label">{t('worklist.team')}</span>
            <Select
              size="middle"
              value={view.teamId}
              onChange={(teamId: string) => update({ teamId })}
              options={user.teams.map((x) => ({ value: x.id, label: x.name }))}
              style={{ minWidth: 160 }}
              data-testid="worklist-team"
              aria-label={t('worklist.team')}
            />
          </label>
          <Segmented
            value={view.mine ? 'mine' : 'team'}
            onChange={(v) => update({ mine: v === 'mine' })}
            options={[
              { value: 'team', label: t('worklist.wholeTeam') },
              { value: 'mine', label: <span data-testid="worklist-only-mine">{t('worklist.onlyMine')}</span> },
            ]}
          />
          <Select
            allowClear
            placeholder={t('worklist.allProgrammes')}
            value={view.programme ?? undefined}
            onChange={(programme) => update({ programme: programme ?? null })}
            disabled={view.bucket === 'referred_back'}
            options={WORKLIST_PROGRAMMES.map((p) => ({ value: p, label: t(`worklist.programmes.${p}`) }))}
            style={{ minWidth: 140 }}
            aria-label={t('worklist.programme')}
            data-testid="worklist-programme"
          />
          <Select
            allowClear
            placeholder={t('worklist.allColours')}
            value={view.colour ?? undefined}
            onChange={(colour) => update({ colour: colour ?? null })}
            options={RISK_COLOURS.map((c) => ({
              value: c,
              label: (
                <span className="kl-risk-option">
                  <span className="kl-risk-dot" data-risk={c} aria-hidden /> {t(`risk.${c}`)}
                </span>
              ),
            }))}
            style={{ minWidth: 110 }}
            aria-label={t('worklist.colour')}
            data-testid="worklist-colour"
          />
          <label className="kl-inline-field">
            <span className="kl-field-label">{t('worklist.sort')}</span>
            <Select
              value={view.sort}
              onChange={(sort) => update({ sort })}
              disabled={view.bucket === 'referred_back'}
              options={WORKLIST_SORTS.map((s) => ({ value: s, label: t(`worklist.sorts.${s}`) }))}
              style={{ minWidth: 120 }}
              aria-label={t('worklist.sort')}
              data-testid="worklist-sort"
            />
          </label>
          <Button onClick={worklist.reload} disabled={worklist.loading}>
            {t('common.refresh')}
          </Button>
        </Space>
      </div>

      <Tabs
        className="kl-bucket-tabs kl-no-print"
        activeKey={view.bucket}
        onChange={(b) => update({ bucket: b as WorklistBucket })}
        items={tabItems}
        size="middle"
      />

      {worklist.error && (
        <Alert
          type={worklist.error.status === 403 ? 'warning' : 'error'}
          showIcon
          className="kl-block"
          title={worklist.error.status === 403 ? t('worklist.forbidden') : errorMessage(t, worklist.error)}
          action={
            <Button size="small" onClick={worklist.reload}>
              {t('common.retry')}
            </Button>
          }
          data-testid="worklist-error"
        />
      )}

      <div ref={tableRef}>
        <WorklistTable
          items={items}
          bucket={view.bucket}
          loading={worklist.loading}
          language={i18n.language}
          onFollowUp={openFollowUp}
          onComplete={(item) => void onComplete(item)}
          onScreen={setScreening}
          completing={completing}
          onActivate={activate}
        />
      </div>

      {screening && (
        <ScreeningDialog
          residentId={screening.residentId}
          residentName={screening.residentName}
          onClose={(changed) => {
            setScreening(null);
            if (changed) worklist.reload();
          }}
        />
      )}

      {(view.page > 1 || hasMore || (total !== null && total > WORKLIST_PAGE_SIZE)) && (
        <div className="kl-pager kl-no-print">
          <Pagination
            size="small"
            current={view.page}
            pageSize={WORKLIST_PAGE_SIZE}
            total={pagerTotal}
            showSizeChanger={false}
            onChange={(page) => setParams(writeView({ ...view, page }, teamIds), { replace: true })}
          />
        </div>
      )}
    </div>
  );
}
