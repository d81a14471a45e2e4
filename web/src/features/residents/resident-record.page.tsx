import { Alert, Button, Card, Result, Skeleton, Tabs } from 'antd';
import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useLocation, useNavigate, useParams, useSearchParams } from 'react-router-dom';
import { useCurrentUser } from '../auth/auth.resource';
import { ProgrammesTab } from '../care/components/ProgrammesTab';
import { errorMessage } from '../../i18n/errors';
import { AccessLogTab } from './components/AccessLogTab';
import { BasicInfoTab } from './components/BasicInfoTab';
import { BreakGlassBanner } from './components/BreakGlassBanner';
import { BreakGlassCard } from './components/BreakGlassCard';
import { ResidentHeader } from './components/ResidentHeader';
import { TimelineTab } from './components/TimelineTab';
import { mayBreakGlass, recordActionsFor } from './record-actions.logic';
import { useResident } from './residents.resource';

// Roles that deliver care may break the glass in an emergency; others just see "not allowed".
// What the record offers (contract, care, emergency note) is decided in record-actions.logic.ts.

const TABS = ['basic', 'programmes', 'timeline', 'access'] as const;
type TabKey = (typeof TABS)[number];
const isTab = (v: string | null): v is TabKey => !!v && (TABS as readonly string[]).includes(v);

export default function ResidentRecordPage() {
  const { t } = useTranslation();
  const { id } = useParams<{ id: string }>();
  const user = useCurrentUser();
  const navigate = useNavigate();
  const location = useLocation();
  const [params, setParams] = useSearchParams();
  const tabParam = params.get('tab');
  const tab: TabKey = isTab(tabParam) ? tabParam : 'basic';
  const resident = useResident(id);
  const r = resident.data;
  // Tabs fetch on first open and then stay mounted, so switching back is instant.
  const [visited, setVisited] = useState<ReadonlySet<TabKey>>(() => new Set([tab]));
  useEffect(() => setVisited((v) => (v.has(tab) ? v : new Set([...v, tab]))), [tab]);
  // Bumped after an emergency note is saved: the timeline fetches again.
  const [timelineGeneration, setTimelineGeneration] = useState(0);
  const actions = useMemo(
    () =>
      recordActionsFor({
        role: user.role,
        basis: r?.accessBasis ?? null,
        userTeamIds: user.teams.map((x) => x.id),
        contractTeamId: r ? (r.careTeam?.teamId ?? null) : undefined,
      }),
    [user, r],
  );

  useEffect(() => {
    if (r) document.title = `${r.name} · ${t('app.name')}`;
    return () => {
      document.title = t('app.documentTitle');
    };
  }, [r, t]);

  // Back to the search results the user came from (kept in history), else to an empty search.
  const back = () => (location.key !== 'default' ? navigate(-1) : navigate('/residents'));
  const backButton =
    user.role === 'resident' ? null : (
      <Button size="small" onClick={back} className="kl-back">
        ← {t('record.backToSearch')}
      </Button>
    );

  if (!id) return null;

  if (resident.error?.status === 403 && !mayBreakGlass(user.role)) {
    return <Result status="403" title={t('record.forbidden')} extra={backButton} />;
  }
  if (resident.error?.status === 403) {
    return (
      <div className="kl-page kl-record-page">
        <div className="kl-record-nav">{backButton}</div>
        <BreakGlassCard residentId={id} onGranted={resident.reload} onCancel={back} />
      </div>
    );
  }
  if (resident.error?.status === 404) {
    return (
      <Result
        status="404"
        title={t('record.notFound')}
        extra={
          <Link to="/residents">
            <Button type="primary">{t('record.backToSearch')}</Button>
          </Link>
        }
      />
    );
  }
  if (resident.error) {
    return (
      <div className="kl-page">
        <Alert
          type="error"
          showIcon
          title={errorMessage(t, resident.error)}
          action={
            <Button size="small" onClick={resident.reload}>
              {t('common.retry')}
            </Button>
          }
        />
      </div>
    );
  }
  if (!r) {
    return (
      <div className="kl-page">
        <Card size="small">
          <Skeleton active paragraph={{ rows: 4 }} />
        </Card>
      </div>
    );
  }

  const setTab = (key: string) => {
    const next = new URLSearchParams(params);
    if (key === 'basic') next.delete('tab');
    else next.set('tab', key);
    setParams(next, { replace: true });
  };

  return (
    <div className="kl-page kl-record-page">
      <div className="kl-record-nav">{backButton}</div>
      {r.accessBasis === 'break_glass' && (
        <BreakGlassBanner
          resident={r}
          canWriteNote={actions.emergencyNote}
          onNoteSaved={() => {
            resident.reload();
            setTimelineGeneration((g) => g + 1);
          }}
        />
      )}
      {r.status === 'merged' && r.mergedIntoId && (
        <Alert
          type="info"
          showIcon
          className="kl-block"
          title={t('record.merged')}
          action={
            <Link to={`/residents/${r.mergedIntoId}`}>
              <Button size="small">{t('record.openSurvivor')}</Button>
            </Link>
          }
        />
      )}
      <ResidentHeader resident={r} />
      <Card size="small" className="kl-record-body">
        <Tabs
          activeKey={tab}
          onChange={setTab}
          size="middle"
          items={[
            { key: 'basic', label: <span data-testid="tab-basic">{t('record.tabs.basic')}</span>, children: <BasicInfoTab resident={r} /> },
            {
              key: 'programmes',
              label: <span data-testid="tab-programmes">{t('record.tabs.programmes')}</span>,
              children: visited.has('programmes') ? <ProgrammesTab resident={r} onChanged={resident.reload} actions={actions} /> : null,
            },
            {
              key: 'timeline',
              label: <span data-testid="tab-timeline">{t('record.tabs.timeline')}</span>,
              children: visited.has('timeline') ? <TimelineTab key={timelineGeneration} residentId={r.id} /> : null,
            },
            {
              key: 'access',
              label: <span data-testid="tab-access">{t('record.tabs.access')}</span>,
              children: visited.has('access') ? <AccessLogTab residentId={r.id} /> : null,
            },
          ]}
        />
      </Card>
    </div>
  );
}
