import { sql } from 'kysely';
import type { CareContext } from '../http/care-context.js';
import { conflict, forbidden, notFound } from '../http/errors.js';
import { isClinical } from '../auth/actor.js';
import { resolveResidentsAccess } from '../access/resident-access.js';
import { ageOn } from '../chronic/rules/age.js';
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
  if (!isClinical(ctx.actor)) throw forbidden('Only clinical staff register residents');
  const identity = resolveIdentity(body, ctx.crypto);
  if (identity.protectedColumns.national_id_bidx) {
    const existing = await ctx.db
      .selectFrom('resident')
      .select('id')
      .where('national_id_bidx', '=', identity.protectedColumns.national_id_bidx)
      .where('status', '<>', 'merged')
      .executeTakeFirst();
    if (existing) throw conflict(`A resident with this national ID already exists (${existing.id})`, 'duplicate_national_id');
  }
  const duplicates = await findDuplicateCandidates(ctx.db, ctx.crypto, {
    name: body.name,
    birthDate: identity.birthDate,
    sex: identity.sex,
    phone: body.phone ?? null,
  });
  return ctx.db.transaction().execute(async (trx) => {
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
    await ctx.audit({ action: 'create', resource: 'resident', residentId: row.id, fields: Object.keys(body) }, trx);
    return { id: row.id, possibleDuplicates: duplicates };
  });
}

/**
 * Master-index search. The query's shape picks the key: a national ID or a phone goes through its
 * blind index, other identifiers through theirs, names by prefix first and trigram similarity
 * only when the prefix finds too few. Results carry demographics for identification only; each
 * resident shown is audited.
 */
export async function searchResidents(ctx: CareContext, q: string, limit: number) {
  if (!isClinical(ctx.actor)) throw forbidden('Resident search is for clinical staff');
  const by = classifyQuery(q);
  const db = ctx.db;
  let ids: string[] = [];
  if (by === 'national_id') {
    const id = q.trim().toUpperCase();
    const check = validateNationalId(id);
    if (check.valid) {
      // A record merged away is answered with the record it was merged into.
      const rows = await db
        .selectFrom('resident')
        .select((eb) => eb.fn.coalesce('merged_into_id', 'id').as('id'))
        .where('national_id_bidx', '=', ctx.crypto.blindIndex('national_id', id))
        .execute();
      ids = [...new Set(rows.map((r) => r.id))];
    }
  } else if (by === 'phone') {
    const rows = await db.selectFrom('resident').select('id').where('phone_bidx', '=', ctx.crypto.blindIndex('phone', q.trim())).limit(limit).execute();
    ids = rows.map((r) => r.id);
  } else if (by === 'identifier') {
    const rows = await db
      .selectFrom('resident_identifier')
      .select('resident_id')
      .where('value_bidx', '=', ctx.crypto.blindIndex('identifier', q.trim().toUpperCase()))
      .limit(limit)
      .execute();
    ids = rows.map((r) => r.resident_id);
  } else {
    const name = q.trim();
    const escaped = name.replace(/[\\%_]/g, (c) => `\\${c}`);
    // Byte-order prefix scan on resident_name_c_idx: the first page comes straight off the index.
    const prefix = await sql<{ id: string }>`
      SELECT id FROM resident
       WHERE (name COLLATE "C") LIKE ${`${escaped}%`} AND status <> 'merged'
       ORDER BY (name COLLATE "C"), birth_date
       LIMIT ${limit}`.execute(db);
    ids = prefix.rows.map((r) => r.id);
    if (ids.length < limit && name.length >= 2) {
      const fuzzy = await sql<{ id: string }>`
        SELECT id FROM resident
        WHERE name % ${name} AND status <> 'merged' AND NOT (id = ANY(${ids}::uuid[]))
        ORDER BY similarity(name, ${name}) DESC, name
        LIMIT ${limit - ids.length}`.execute(db);
      ids = ids.concat(fuzzy.rows.map((r) => r.id));
    }
  }
  if (ids.length === 0) {
    await ctx.audit({ action: 'search', resource: 'resident', detail: { by, results: 0 } });
    return { by, items: [] };
  }
  const today = todayIso();
  const [rows, access] = await Promise.all([
    db
      .selectFrom('resident as r')
      .leftJoin('institution as i', 'i.id', 'r.home_institution_id')
      .select([
        'r.id',
        'r.name',
        'r.sex',
        'r.birth_date',
        'r.national_id_masked',
        'r.phone_masked',
        'i.name as institution_name',
        (eb) =>
          eb
            .selectFrom('contract as c')
            .innerJoin('team as t', 't.id', 'c.team_id')
            .select('t.name')
            .whereRef('c.resident_id', '=', 'r.id')
            .where('c.status', '=', 'active')
            .where('c.start_date', '<=', today)
            .where('c.end_date', '>', today)
            .limit(1)
            .as('team_name'),
      ])
      .where('r.id', 'in', ids)
      .execute(),
    resolveResidentsAccess(db, ctx.actor, ids),
  ]);
  const byId = new Map(rows.map((r) => [r.id, r]));
  const items = ids
    .map((id) => byId.get(id))
    .filter((r) => r !== undefined)
    .map((r) => ({
      id: r.id,
      name: r.name,
      sex: r.sex as 'male' | 'female' | 'unknown',
      birthDate: r.birth_date,
      age: ageOn(r.birth_date, today),
      nationalIdMasked: r.national_id_masked,
      phoneMasked: r.phone_masked,
      homeInstitutionName: r.institution_name,
      teamName: r.team_name,
      access: access.get(r.id) ?? null,
    }));
  await ctx.audit(
    items.map((item) => ({
      action: 'search' as const,
      resource: 'resident',
      residentId: item.id,
      fields: ['name', 'sex', 'birthDate', 'nationalIdMasked', 'phoneMasked'],
      accessBasis: item.access,
      detail: { by },
    })),
  );
  return { by, items };
}

export async function readResidentRecord(ctx: CareContext, residentId: string): Promise<ResidentRecord> {
  const accessBasis = await ctx.requireResidentAccess(residentId, { action: 'read', resource: 'resident', fields: ['record'] });
  const db = ctx.db;
  const today = todayIso();
  const r = await db
    .selectFrom('resident as r')
    .leftJoin('institution as i', 'i.id', 'r.home_institution_id')
    .selectAll('r')
    .select(['i.name as institution_name'])
    .where('r.id', '=', residentId)
    .executeTakeFirst();
  if (!r) throw notFound('Resident');
  const [identifiers, contract, conditions, programmes] = await Promise.all([
    db.selectFrom('resident_identifier').select(['system', 'value_masked']).where('resident_id', '=', residentId).execute(),
    db
      .selectFrom('contract as c')
      .innerJoin('team as t', 't.id', 'c.team_id')
      .innerJoin('institution as i', 'i.id', 't.institution_id')
      .leftJoin('app_user as g', 'g.id', 'c.gp_user_id')
      .select(['c.id', 'c.team_id', 't.name as team_name', 'i.name as institution_name', 'g.display_name as gp_name', 'c.start_date', 'c.end_date', 'c.package_code', 'c.key_populations'])
      .where('c.resident_id', '=', residentId)
      .where('c.status', '=', 'active')
      .where('c.end_date', '>', today)
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

export async function breakTheGlass(ctx: CareContext, residentId: string, reason: string, hours: number) {
  if (!isClinical(ctx.actor)) throw forbidden('Only clinical staff may break the glass');
  const exists = await ctx.db.selectFrom('resident').select('id').where('id', '=', residentId).executeTakeFirst();
  if (!exists) throw notFound('Resident');
  const expiresAt = new Date(Date.now() + hours * 3600_000);
  await ctx.db.transaction().execute(async (trx) => {
    await trx.insertInto('break_glass').values({ user_id: ctx.actor.userId, resident_id: residentId, reason, expires_at: expiresAt }).execute();
    await ctx.audit({ action: 'break_glass', resource: 'resident', residentId, reason, accessBasis: 'break_glass', detail: { flaggedForReview: true, expiresAt } }, trx);
  });
  return { expiresAt: expiresAt.toISOString() };
}

export async function accessLog(ctx: CareContext, residentId: string, limit: number) {
  await ctx.requireResidentAccess(residentId, { action: 'read', resource: 'audit_event', fields: ['access_log'] });
  const rows = await ctx.db
    .selectFrom('audit_event as a')
    .leftJoin('app_user as u', 'u.id', 'a.actor_user_id')
    .leftJoin('institution as i', 'i.id', 'a.actor_institution_id')
    .select(['a.occurred_at', 'u.display_name', 'a.actor_role', 'i.name as institution_name', 'a.action', 'a.access_basis', 'a.reason', 'a.outcome', 'a.resource'])
    .where('a.resident_id', '=', residentId)
    .orderBy('a.occurred_at', 'desc')
    .orderBy('a.id', 'desc')
    .limit(limit)
    .execute();
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

