import { sql, type Kysely } from 'kysely';
import type { DB } from '../db/schema.js';
import type { CareContext } from '../http/care-context.js';
import { conflict, forbidden, notFound } from '../http/errors.js';
import { contractInForce, type AccessBasis } from '../access/care-relationship.js';
import { openTasks, responsibleTeam } from '../care-tasks/care-tasks.js';
import { addDays, ageOn } from '../chronic/rules/age.js';
import { todayIso } from '../shared/dates.js';
import { validateNationalId } from './national-id.js';
import { MOBILE_PHONE, type BasicInfo, type CreateResidentBody, type ResidentRecord } from './resident.schemas.js';
import { protectIdentifier, resolveIdentity } from './resident-identity.js';
import { findDuplicateCandidates } from './duplicates.js';

export type SearchBy = 'national_id' | 'phone' | 'identifier' | 'name';

export function classifyQuery(q: string): SearchBy {
  const trimmed = q.trim();
  if (/^[0-9]{17}[0-9Xx]$/.test(trimmed)) return 'national_id';
  if (MOBILE_PHONE.test(trimmed)) return 'phone';
  if (/^[A-Za-z0-9]{5,}$/.test(trimmed) && /[0-9]/.test(trimmed)) return 'identifier';
  return 'name';
}

export async function createResident(ctx: CareContext, body: CreateResidentBody) {
  ctx.requireClinical('Registration');
  const identity = resolveIdentity(body, ctx.crypto);
  const nationalIdBidx = identity.protectedColumns.national_id_bidx ?? null;
  if (nationalIdBidx) {
    // The person is already on file: say so (audited as an identification), and hand over the
    // record's id only to someone who may open it.
    const existing = await ctx.identify(
      { action: 'search', resource: 'resident', fields: ['exists'], detail: { by: 'national_id', purpose: 'registration' } },
      async (db) => (await db.selectFrom('resident').select('id').where('national_id_bidx', '=', nationalIdBidx).where('status', '<>', 'merged').execute()).map((r) => r.id),
      async (_db, ids) => ids.map((id) => ({ id })),
    );
    if (existing[0]) {
      const visible = existing[0].access ? ` (${existing[0].id})` : '; find it by national ID search';
      throw conflict(`A resident with this national ID is already registered${visible}`, 'duplicate_national_id');
    }
  }
  const duplicates = await findDuplicateCandidates(ctx, {
    name: body.name,
    birthDate: identity.birthDate,
    sex: identity.sex,
    phone: body.phone ?? null,
    nationalIdBidx,
  });
  const created = await ctx.registerResident(Object.keys(body), async (trx) => {
    const row = await trx
      .insertInto('resident')
      .values({
        name: body.name,
        sex: identity.sex,
        birth_date: identity.birthDate,
        ...identity.protectedColumns,
        address: body.address ?? null,
        home_institution_id: body.homeInstitutionId ?? ctx.actor.institutionId,
        resident_since: body.residentSince ?? null,
        basic_info: JSON.stringify(body.basicInfo ?? {}),
        created_by: ctx.actor.userId,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    if (body.identifiers?.length) {
      await trx
        .insertInto('resident_identifier')
        .values(body.identifiers.map((i) => ({ resident_id: row.id, ...protectIdentifier(ctx.crypto, i.system, i.value) })))
        .execute();
    }
    return { id: row.id };
  });
  return { id: created.id, possibleDuplicates: duplicates };
}

interface SummaryRow {
  id: string;
  name: string;
  sex: string;
  birth_date: string;
  national_id_masked: string | null;
  phone_masked: string | null;
  institution_name: string | null;
  team_name: string | null;
}

/** What a search shows of each resident: identification only (masked identifiers, home centre, team). */
function summaryColumns(today: string) {
  return sql`r.id, r.name, r.sex, r.birth_date, r.national_id_masked, r.phone_masked, i.name AS institution_name,
    (SELECT t.name FROM contract c JOIN team t ON t.id = c.team_id
      WHERE c.resident_id = r.id AND ${contractInForce('c', today)} LIMIT 1) AS team_name`;
}

const SEARCH_FIELDS = ['name', 'sex', 'birthDate', 'nationalIdMasked', 'phoneMasked'];

/**
 * Master-index search. An exact identifier the clinician holds (national ID, phone, other card)
 * identifies the resident even without a care relationship — to sign them, or to break the glass —
 * and shows demographics only. A name is browsing: it searches only the residents the actor has a
 * care relationship with (the care-relationship query, in SQL), by prefix first and trigram
 * similarity when the prefix finds too few. Every resident shown is audited with its basis.
 */
export async function searchResidents(ctx: CareContext, q: string, limit: number) {
  ctx.requireClinical('Resident search');
  const by = classifyQuery(q);
  const today = todayIso();
  let found: (SummaryRow & { access: AccessBasis | null })[];
  if (by === 'name') {
    const name = q.trim();
    const escaped = name.replace(/[\\%_]/g, (c) => `\\${c}`);
    const rows = await ctx.listResidents({ action: 'search', resource: 'resident', fields: SEARCH_FIELDS, detail: { by } }, async (accessible, db) => {
      const { rows } = await sql<SummaryRow & { resident_id: string; access_basis: AccessBasis; rank: number }>`
        SELECT ${summaryColumns(today)}, r.id AS resident_id, acc.basis AS access_basis,
               CASE WHEN (r.name COLLATE "C") LIKE ${`${escaped}%`} THEN 0 ELSE 1 END AS rank
          FROM ${accessible} acc
          JOIN resident r ON r.id = acc.resident_id
          LEFT JOIN institution i ON i.id = r.home_institution_id
         WHERE r.status <> 'merged'
           AND ((r.name COLLATE "C") LIKE ${`${escaped}%`} OR (${name.length >= 2} AND r.name % ${name}))
         ORDER BY rank, CASE WHEN (r.name COLLATE "C") LIKE ${`${escaped}%`} THEN 1 ELSE similarity(r.name, ${name}) END DESC, (r.name COLLATE "C"), r.birth_date
         LIMIT ${limit}`.execute(db);
      return rows;
    });
    found = rows.map((r) => ({ ...r, access: r.access_basis }));
  } else {
    found = await ctx.identify(
      { action: 'search', resource: 'resident', fields: SEARCH_FIELDS, detail: { by } },
      async (db) => {
        if (by === 'national_id') {
          const id = q.trim().toUpperCase();
          if (!validateNationalId(id).valid) return [];
          // A record merged away is answered with the record it was merged into.
          const rows = await db
            .selectFrom('resident')
            .select((eb) => eb.fn.coalesce('merged_into_id', 'id').as('id'))
            .where('national_id_bidx', '=', ctx.crypto.blindIndex('national_id', id))
            .execute();
          return [...new Set(rows.map((r) => r.id))];
        }
        if (by === 'phone') {
          const rows = await db.selectFrom('resident').select('id').where('phone_bidx', '=', ctx.crypto.blindIndex('phone', q.trim())).where('status', '<>', 'merged').limit(limit).execute();
          return rows.map((r) => r.id);
        }
        const rows = await db
          .selectFrom('resident_identifier')
          .select('resident_id')
          .where('value_bidx', '=', ctx.crypto.blindIndex('identifier', q.trim().toUpperCase()))
          .limit(limit)
          .execute();
        return [...new Set(rows.map((r) => r.resident_id))];
      },
      async (db, ids) => {
        const { rows } = await sql<SummaryRow>`
          SELECT ${summaryColumns(today)} FROM resident r LEFT JOIN institution i ON i.id = r.home_institution_id
           WHERE r.id = ANY(${ids}::uuid[])`.execute(db);
        const order = new Map(ids.map((id, i) => [id, i]));
        return rows.sort((x, y) => order.get(x.id)! - order.get(y.id)!);
      },
    );
  }
  if (found.length === 0) await ctx.audit({ action: 'search', resource: 'resident', detail: { by, results: 0 } });
  return {
    by,
    items: found.map((r) => ({
      id: r.id,
      name: r.name,
      sex: r.sex as 'male' | 'female' | 'unknown',
      birthDate: r.birth_date,
      age: ageOn(r.birth_date, today),
      nationalIdMasked: r.national_id_masked,
      phoneMasked: r.phone_masked,
      homeInstitutionName: r.institution_name,
      teamName: r.team_name,
      access: r.access,
    })),
  };
}

export async function readResidentRecord(ctx: CareContext, residentId: string): Promise<ResidentRecord> {
  return ctx.readResident(residentId, { action: 'read', resource: 'resident', fields: ['record'] }, (db, accessBasis) =>
    loadRecord(db, residentId, accessBasis, accessBasis === 'break_glass' ? ctx.actor.userId : null),
  );
}

async function loadRecord(db: Kysely<DB>, residentId: string, accessBasis: AccessBasis, breakGlassUserId: string | null): Promise<ResidentRecord> {
  const today = todayIso();
  const r = await db
    .selectFrom('resident as r')
    .leftJoin('institution as i', 'i.id', 'r.home_institution_id')
    .selectAll('r')
    .select(['i.name as institution_name'])
    .where('r.id', '=', residentId)
    .executeTakeFirst();
  if (!r) throw notFound('Resident');
  const [identifiers, contract, conditions, programmes, glass] = await Promise.all([
    db.selectFrom('resident_identifier').select(['system', 'value_masked']).where('resident_id', '=', residentId).execute(),
    db
      .selectFrom('contract as c')
      .innerJoin('team as t', 't.id', 'c.team_id')
      .innerJoin('institution as i', 'i.id', 't.institution_id')
      .leftJoin('app_user as g', 'g.id', 'c.gp_user_id')
      .select(['c.id', 'c.team_id', 't.name as team_name', 'i.name as institution_name', 'g.display_name as gp_name', 'c.start_date', 'c.end_date', 'c.package_code', 'c.key_populations'])
      .where('c.resident_id', '=', residentId)
      .where(contractInForce('c', today))
      .orderBy('c.start_date', 'desc')
      .executeTakeFirst(),
    db
      .selectFrom('condition')
      .select(['id', 'icd10', 'display', 'clinical_status', 'diagnosed_on'])
      .where('resident_id', '=', residentId)
      .where('entry_status', '=', 'active')
      .orderBy('diagnosed_on', 'desc')
      .execute(),
    db
      .selectFrom('programme_enrolment')
      .select(['programme', 'enrolled_on', 'next_due_date', 'risk_colour', 'risk_rule', 'risk_reason', 'risk_reason_en', 'last_visit_date', 'last_controlled'])
      .where('resident_id', '=', residentId)
      .where('status', '=', 'active')
      .orderBy('enrolled_on')
      .execute(),
    breakGlassUserId
      ? db
          .selectFrom('break_glass')
          .select((eb) => eb.fn.max('expires_at').as('expires_at'))
          .where('user_id', '=', breakGlassUserId)
          .where('resident_id', '=', residentId)
          .where('expires_at', '>', new Date())
          .executeTakeFirst()
      : Promise.resolve(undefined),
  ]);
  const colours = programmes.map((p) => p.risk_colour).filter((c): c is 'green' | 'yellow' | 'red' => c !== null);
  const riskColour = colours.includes('red') ? 'red' : colours.includes('yellow') ? 'yellow' : colours.includes('green') ? 'green' : null;
  return {
    id: r.id,
    name: r.name,
    sex: r.sex as ResidentRecord['sex'],
    birthDate: r.birth_date,
    age: ageOn(r.birth_date, today),
    nationalIdMasked: r.national_id_masked,
    phoneMasked: r.phone_masked,
    address: r.address,
    status: r.status as ResidentRecord['status'],
    mergedIntoId: r.merged_into_id,
    homeInstitution: r.home_institution_id && r.institution_name ? { id: r.home_institution_id, name: r.institution_name } : null,
    accessBasis,
    accessExpiresAt: glass?.expires_at ? new Date(glass.expires_at).toISOString() : null,
    identifiers: identifiers.map((i) => ({ system: i.system, masked: i.value_masked })),
    careTeam: contract
      ? {
          contractId: contract.id,
          teamId: contract.team_id,
          teamName: contract.team_name,
          institutionName: contract.institution_name,
          gpName: contract.gp_name,
          startDate: contract.start_date,
          endDate: contract.end_date,
          packageCode: contract.package_code,
          keyPopulations: contract.key_populations,
        }
      : null,
    conditions: conditions.map((c) => ({ id: c.id, icd10: c.icd10, display: c.display, clinicalStatus: c.clinical_status, diagnosedOn: c.diagnosed_on })),
    programmes: programmes.map((p) => ({
      programme: p.programme as ResidentRecord['programmes'][number]['programme'],
      enrolledOn: p.enrolled_on,
      nextDueDate: p.next_due_date,
      riskColour: p.risk_colour as ResidentRecord['riskColour'],
      riskRule: p.risk_rule,
      riskReason: p.risk_reason,
      riskReasonEn: p.risk_reason_en,
      lastVisitDate: p.last_visit_date,
      lastControlled: p.last_controlled,
    })),
    riskColour,
    basicInfo: (r.basic_info ?? {}) as BasicInfo,
  };
}

export async function updateBasicInfo(ctx: CareContext, residentId: string, basicInfo: BasicInfo, reason: string) {
  if (ctx.actor.role === 'resident') throw forbidden('Residents ask their care team to correct their record');
  await ctx.writeForResident(residentId, { action: 'update', resource: 'resident.basic_info', fields: Object.keys(basicInfo), reason }, async (trx) => {
    const before = await trx.selectFrom('resident').select(['basic_info', 'version']).where('id', '=', residentId).forUpdate().executeTakeFirstOrThrow();
    await trx
      .updateTable('resident')
      .set({ basic_info: JSON.stringify(basicInfo), updated_at: new Date(), version: before.version + 1 })
      .where('id', '=', residentId)
      .execute();
    await trx
      .insertInto('change_log')
      .values({
        resident_id: residentId,
        table_name: 'resident.basic_info',
        row_id: residentId,
        changed_by: ctx.actor.userId,
        reason,
        before: JSON.stringify(before.basic_info),
        after: JSON.stringify(basicInfo),
      })
      .execute();
  });
}

export const BREAK_GLASS_MIN_REASON = 10;

/**
 * Break-the-glass: time-boxed read access for an emergency, with its reason. The home team learns
 * of it from a worklist item; both institutions review it. It is never a care relationship.
 */
export async function breakTheGlass(ctx: CareContext, residentId: string, reason: string, hours: number) {
  const expiresAt = new Date(Date.now() + hours * 3600_000);
  const today = todayIso();
  const id = await ctx.breakGlass(residentId, reason, async (trx) => {
    const row = await trx.insertInto('break_glass').values({ user_id: ctx.actor.userId, resident_id: residentId, reason, expires_at: expiresAt }).returning('id').executeTakeFirstOrThrow();
    const team = await responsibleTeam(trx, residentId, today);
    if (team) {
      await openTasks(
        trx,
        [
          {
            residentId,
            programme: 'access',
            taskCode: `break_glass:${row.id}`,
            label: '他院紧急调阅了档案，请知悉',
            labelEn: 'Record opened by break-the-glass elsewhere',
            dueDate: today,
            windowEnd: addDays(today, 7),
            priority: 'high',
            reason: `${ctx.actor.displayName}: ${reason}`,
          },
        ],
        team,
      );
    }
    return row.id;
  });
  return { id, expiresAt: expiresAt.toISOString() };
}

/** The emergency note written inside break-the-glass: an emergency encounter tied to that access. */
export async function recordEmergencyNote(ctx: CareContext, residentId: string, note: string, occurredAt: Date) {
  return ctx.writeForResident(
    residentId,
    { action: 'create', resource: 'encounter', fields: ['emergency_note'] },
    async (trx, basis) => {
      const access =
        basis === 'break_glass'
          ? await trx
              .selectFrom('break_glass')
              .select('id')
              .where('user_id', '=', ctx.actor.userId)
              .where('resident_id', '=', residentId)
              .where('expires_at', '>', new Date())
              .orderBy('created_at', 'desc')
              .executeTakeFirst()
          : undefined;
      const row = await trx
        .insertInto('encounter')
        .values({
          resident_id: residentId,
          institution_id: ctx.actor.institutionId,
          recorded_by: ctx.actor.userId,
          kind: 'emergency',
          started_at: occurredAt,
          practitioner_name: ctx.actor.displayName,
          reason: 'emergency_note',
          summary: note,
          break_glass_id: access?.id ?? null,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      return { id: row.id };
    },
    { emergencyNote: true },
  );
}

export async function accessLog(ctx: CareContext, residentId: string, limit: number) {
  const rows = await ctx.readResident(residentId, { action: 'read', resource: 'audit_event', fields: ['access_log'] }, (db) =>
    db
      .selectFrom('audit_event as a')
      .leftJoin('app_user as u', 'u.id', 'a.actor_user_id')
      .leftJoin('institution as i', 'i.id', 'a.actor_institution_id')
      .select(['a.occurred_at', 'u.display_name', 'a.actor_role', 'i.name as institution_name', 'a.action', 'a.access_basis', 'a.reason', 'a.outcome', 'a.resource'])
      .where('a.resident_id', '=', residentId)
      .orderBy('a.occurred_at', 'desc')
      .orderBy('a.id', 'desc')
      .limit(limit)
      .execute(),
  );
  return rows.map((r) => ({
    occurredAt: new Date(r.occurred_at).toISOString(),
    actorName: r.display_name,
    actorRole: r.actor_role,
    institutionName: r.institution_name,
    action: r.action,
    resource: r.resource,
    accessBasis: r.access_basis,
    reason: r.reason,
    outcome: r.outcome as 'success' | 'denied' | 'error',
  }));
}
