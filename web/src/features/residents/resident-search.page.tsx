import { Alert, Button, Empty, Input, Result, Space, Table, Typography, type InputRef, type TableColumnsType } from 'antd';
import { useEffect, useRef, useState, type HTMLAttributes, type KeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate, useSearchParams } from 'react-router-dom';
import { RECORD_ROLES } from '../../app/nav';
import { ContractDialog } from '../care/components/ContractDialog';
import { RegisterResidentDialog } from '../care/components/RegisterResidentDialog';
import { useCurrentUser } from '../auth/auth.resource';
import { errorMessage } from '../../i18n/errors';
import { guessQueryKind } from '../../lib/format';
import { AccessTag, SexLabel } from './components/tags';
import { searchActionsFor } from './record-actions.logic';
import { SEARCH_LIMIT, useResidentSearch } from './residents.resource';
import type { ResidentSummary } from './residents.types';

/** Moves focus between result rows with ↑/↓; the search box hands over with ↓. */
function focusRow(container: HTMLElement | null, index: number): void {
  const rows = container?.querySelectorAll<HTMLElement>('tr[data-row-key]');
  if (!rows || rows.length === 0) return;
  rows[Math.max(0, Math.min(index, rows.length - 1))]?.focus();
}

export default function ResidentSearchPage() {
  const { t } = useTranslation();
  const user = useCurrentUser();
  // "可用不可见": aggregate-only roles never look up identified residents.
  if (!RECORD_ROLES.includes(user.role)) {
    return <Result status="info" title={t('search.notForRole')} subTitle={t('search.notForRoleHint')} />;
  }
  return <ResidentSearch />;
}

function ResidentSearch() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const user = useCurrentUser();
  // Registering is the care roles' work; signing needs a team to sign for (record-actions.logic).
  const teamIds = user.teams.map((x) => x.id);
  const { register: canRegister, sign: canSign } = searchActionsFor(user.role, teamIds);
  const [registering, setRegistering] = useState(false);
  const [signing, setSigning] = useState<{ id: string; name: string } | null>(null);
  const [params, setParams] = useSearchParams();
  const q = params.get('q') ?? '';
  const [text, setText] = useState(q);
  const search = useResidentSearch(q);
  const inputRef = useRef<InputRef>(null);
  const resultsRef = useRef<HTMLDivElement>(null);

  // Back/forward between searches keeps the box in step with the URL.
  useEffect(() => setText(q), [q]);

  // "/" anywhere on the page jumps to the search box (as in many clinical and web tools).
  useEffect(() => {
    const onKey = (e: globalThis.KeyboardEvent) => {
      const target = e.target as HTMLElement | null;
      const typing = target && (target.tagName === 'INPUT' || target.tagName === 'TEXTAREA' || target.isContentEditable);
      if (e.key === '/' && !typing && !e.ctrlKey && !e.metaKey && !e.altKey) {
        e.preventDefault();
        inputRef.current?.focus({ cursor: 'all' });
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  const submit = (value: string) => {
    const next = value.trim();
    if (!next) return;
    if (next === q) search.reload();
    else setParams({ q: next });
  };

  const open = (r: ResidentSummary) => navigate(`/residents/${r.id}`);

  const onInputKeyDown = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key === 'ArrowDown' && search.data?.items.length) {
      e.preventDefault();
      focusRow(resultsRef.current, 0);
    }
  };

  const columns: TableColumnsType<ResidentSummary> = [
    {
      title: t('resident.name'),
      dataIndex: 'name',
      width: 120,
      render: (name: string) => <span className="kl-strong-link">{name}</span>,
    },
    { title: t('resident.sex'), dataIndex: 'sex', width: 64, render: (_, r) => <SexLabel sex={r.sex} /> },
    {
      title: t('resident.age'),
      dataIndex: 'age',
      width: 76,
      render: (_, r) => <span title={r.birthDate}>{t('common.ageYears', { count: r.age })}</span>,
    },
    {
      title: t('resident.nationalId'),
      dataIndex: 'nationalIdMasked',
      width: 190,
      render: (v: string | null) => (v ? <span className="kl-mono">{v}</span> : <span className="kl-muted">—</span>),
    },
    {
      title: t('resident.phone'),
      dataIndex: 'phoneMasked',
      width: 130,
      render: (v: string | null) => (v ? <span className="kl-mono">{v}</span> : <span className="kl-muted">—</span>),
    },
    {
      title: t('resident.institution'),
      dataIndex: 'homeInstitutionName',
      ellipsis: true,
      render: (v: string | null) => v ?? <span className="kl-muted">—</span>,
    },
    { title: t('resident.team'), dataIndex: 'teamName', ellipsis: true, render: (v: string | null) => v ?? <span className="kl-muted">—</span> },
    { title: t('resident.access'), dataIndex: 'access', width: 120, render: (_, r) => <AccessTag access={r.access} /> },
  ];
  if (canSign) {
    columns.push({
      title: t('search.action'),
      key: 'action',
      width: 84,
      render: (_, r) =>
        r.access === null && r.teamName === null ? (
          <Button
            size="small"
            type="primary"
            ghost
            tabIndex={-1}
            data-testid="search-sign"
            onClick={(e) => {
              e.stopPropagation();
              setSigning({ id: r.id, name: r.name });
            }}
          >
            {t('search.sign')}
          </Button>
        ) : null,
    });
  }

  const items = search.data?.items ?? [];
  const kind = guessQueryKind(text);
  const hint =
    search.data && !search.loading
      ? t('search.resultSummary', { count: items.length, by: t(`search.by.${search.data.by}`) })
      : kind === 'empty'
        ? t('search.hint')
        : t('search.willSearchBy', { by: t(`search.by.${kind}`) });

  return (
    <div className="kl-page kl-search-page">
      <div className="kl-page-head">
        <Typography.Title level={4} className="kl-page-title">
          {t('search.title')}
        </Typography.Title>
        <Typography.Text type="secondary">{t('search.subtitle')}</Typography.Text>
        <span className="kl-grow" />
        {canRegister && (
          <Button onClick={() => setRegistering(true)} data-testid="register-open">
            + {t('register.open')}
          </Button>
        )}
      </div>

      <div className="kl-search-bar">
        <Space.Compact block size="large">
          <Input
            ref={inputRef}
            autoFocus
            allowClear
            placeholder={t('search.placeholder')}
            value={text}
            onChange={(e) => setText(e.target.value)}
            onPressEnter={() => submit(text)}
            onKeyDown={onInputKeyDown}
            maxLength={64}
            aria-label={t('search.placeholder')}
            data-testid="search-input"
            spellCheck={false}
            autoComplete="off"
          />
          <Button type="primary" onClick={() => submit(text)} loading={search.loading} data-testid="search-submit" className="kl-search-btn">
            {t('search.submit')}
          </Button>
        </Space.Compact>
        <div className="kl-search-hint" aria-live="polite">
          <span>{hint}</span>
          <span className="kl-kbd-hints">
            <kbd>Enter</kbd> {t('search.kbdSearch')} <kbd>↓</kbd> {t('search.kbdResults')} <kbd>/</kbd> {t('search.kbdFocus')}
          </span>
        </div>
      </div>

      {search.error && (
        <Alert type="error" showIcon title={errorMessage(t, search.error)} className="kl-block" data-testid="search-error" />
      )}

      {q && !search.error && (
        <div ref={resultsRef} data-testid="search-results" className="kl-results">
          <Table<ResidentSummary>
            size="small"
            rowKey="id"
            columns={columns}
            dataSource={items}
            loading={search.loading}
            pagination={false}
            tableLayout="fixed"
            scroll={{ x: 960 }}
            locale={{
              emptyText: search.loading ? ' ' : <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('search.noResults')} />,
            }}
            onRow={(record, index) =>
              ({
                tabIndex: 0,
                className: 'kl-row-link',
                'data-testid': 'search-row',
                onClick: () => open(record),
                onKeyDown: (e: KeyboardEvent<HTMLElement>) => {
                  if (e.key === 'Enter') open(record);
                  else if (e.key === 'ArrowDown') {
                    e.preventDefault();
                    focusRow(resultsRef.current, (index ?? 0) + 1);
                  } else if (e.key === 'ArrowUp') {
                    e.preventDefault();
                    if ((index ?? 0) === 0) inputRef.current?.focus();
                    else focusRow(resultsRef.current, (index ?? 0) - 1);
                  }
                },
              }) as HTMLAttributes<HTMLElement>
            }
          />
          {items.length >= SEARCH_LIMIT && (
            <Typography.Text type="secondary" className="kl-table-note">
              {t('search.truncated', { limit: SEARCH_LIMIT })}
            </Typography.Text>
          )}
        </div>
      )}

      {registering && (
        <RegisterResidentDialog
          onClose={() => setRegistering(false)}
          onSign={(r) => {
            setRegistering(false);
            setSigning(r);
          }}
          onSearch={(value) => {
            setRegistering(false);
            submit(value);
          }}
        />
      )}
      {signing && (
        <ContractDialog
          open
          residentId={signing.id}
          residentName={signing.name}
          onClose={() => setSigning(null)}
          onSigned={() => {
            const id = signing.id;
            setSigning(null);
            // The contract is the care relationship: the record opens now.
            navigate(`/residents/${id}?tab=programmes`);
          }}
        />
      )}
    </div>
  );
}
