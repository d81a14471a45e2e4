import type { Transaction } from 'kysely';
import type { DB } from '../db/schema.js';
import type { CareContext } from '../http/care-context.js';
import { badRequest, conflict, forbidden, withRequestFields } from '../http/errors.js';
import { addYears, ageOn } from '../chronic/rules/age.js';
import { todayIso } from '../shared/dates.js';
import { reassignOpenTasks } from '../care-tasks/care-tasks.js';

export const KEY_POPULATIONS = ['elderly_65', 'hypertension', 'diabetes', 'pregnant', 'child_0_6', 'disabled', 'poor'] as const;
export type KeyPopulation = (typeof KEY_POPULATIONS)[number];

/** Key-population flags the record already implies (age, programmes), added to those the team ticks. */
async function derivedKeyPopulations(trx: Transaction<DB>, residentId: string, today: string): Promise<KeyPopulation[]> {
  const r = await trx.selectFrom('resident').select('birth_date').where('id', '=', residentId).executeTakeFirstOrThrow();
  const programmes = await trx
    .selectFrom('programme_enrolment')
    .select('programme')
    .where('resident_id', '=', residentId)
    .where('status', '=', 'active')
    .execute();
  const age = ageOn(r.birth_date, today);
  const flags: KeyPopulation[] = [];
  if (age >= 65) flags.push('elderly_65');
  if (age <= 6) flags.push('child_0_6');
  for (const p of programmes) {
    if (p.programme === 'hypertension' || p.programme === 'diabetes') flags.push(p.programme);
    if (p.programme === 'maternal') flags.push('pregnant');
  }
  return flags;
}

async function teamOf(trx: Transaction<DB>, teamId: string) {
  const team = await trx
    .selectFrom('team as t')
    .leftJoin('team_member as g', (j) => j.onRef('g.team_id', '=', 't.id').on('g.team_role', '=', 'gp'))
    .leftJoin('team_member as h', (j) => j.onRef('h.team_id', '=', 't.id').on('h.team_role', '=', 'health_manager'))
    .select(['t.id', 't.institution_id', 'g.user_id as gp_id', 'h.user_id as hm_id'])
    .where('t.id', '=', teamId)
    .executeTakeFirst();
  if (!team) throw badRequest('body.teamId', 'is not a team');
  return team;
}

function requireSigner(ctx: CareContext, teamId: string, teamInstitutionId: string) {
  const member = ctx.actor.teamIds.includes(teamId);
  const admin = ctx.actor.role === 'institution_admin' && ctx.actor.institutionId === teamInstitutionId;
  if (!member && !admin) throw forbidden('Only a member of the team (or its institution admin) signs for it');
}

/** A new care relationship: the contract, the flags, and the programmes and open tasks that follow the team. */
async function startContract(
  trx: Transaction<DB>,
  ctx: CareContext,
  input: { residentId: string; teamId: string; packageCode: string; keyPopulations: KeyPopulation[]; startDate: string; previousId: string | null },
) {
  const team = await teamOf(trx, input.teamId);
  const pkg = await trx.selectFrom('service_package').select('code').where('code', '=', input.packageCode).executeTakeFirst();
  if (!pkg) throw badRequest('body.packageCode', 'is not a service package');
  const flags = [...new Set([...input.keyPopulations, ...(await derivedKeyPopulations(trx, input.residentId, input.startDate))])];
  const row = await trx
    .insertInto('contract')
    .values({
      resident_id: input.residentId,
      team_id: input.teamId,
      gp_user_id: team.gp_id,
      package_code: input.packageCode,
      key_populations: flags,
      start_date: input.startDate,
      end_date: addYears(input.startDate, 1),
      previous_contract_id: input.previousId,
      signed_by: ctx.actor.userId,
    })
    .returning(['id', 'start_date', 'end_date'])
    .executeTakeFirstOrThrow();
  await trx
    .updateTable('programme_enrolment')
    .set({ team_id: input.teamId, doctor_user_id: team.gp_id, institution_id: team.institution_id })
    .where('resident_id', '=', input.residentId)
    .where('status', '=', 'active')
    .execute();
  await reassignOpenTasks(trx, input.residentId, { teamId: input.teamId, assigneeId: team.hm_id });
  return { id: row.id, teamId: input.teamId, startDate: row.start_date, endDate: row.end_date, keyPopulations: flags };
}

async function activeContract(trx: Transaction<DB>, residentId: string, today: string) {
  return trx
    .selectFrom('contract')
    .selectAll()
    .where('resident_id', '=', residentId)
    .where('status', '=', 'active')
    .where('end_date', '>', today)
    .forUpdate()
    .executeTakeFirst();
}

export async function signContract(
  ctx: CareContext,
  input: { residentId: string; teamId: string; packageCode: string; keyPopulations: KeyPopulation[]; startDate?: string | undefined },
) {
  const today = todayIso();
  const startDate = input.startDate ?? today;
  // Back-dated entry of a paper contract is allowed while it is still in force.
  if (startDate > today) throw badRequest('body.startDate', 'is in the future');
  if (addYears(startDate, 1) <= today) throw badRequest('body.startDate', 'the contract would already have ended');
  const exists = await ctx.shared.selectFrom('team').select('institution_id').where('id', '=', input.teamId).executeTakeFirst();
  if (!exists) throw badRequest('body.teamId', 'is not a team');
  requireSigner(ctx, input.teamId, exists.institution_id);
  // Signing starts the care relationship, so it is the one write that needs none beforehand.
  // Two signings at once both pass the check below; the exclusion constraint contract_one_active_excl
  // lets one commit and answers the other 409 contract_active (errors.ts).
  return withRequestFields({ date: 'body.startDate', onDate: 'body.startDate' }, () =>
    ctx.startCareRelationship(input.residentId, { action: 'create', resource: 'contract', fields: ['contract'], detail: { teamId: input.teamId } }, async (trx) => {
      const resident = await trx.selectFrom('resident').select('status').where('id', '=', input.residentId).executeTakeFirstOrThrow();
      if (resident.status !== 'active') throw conflict(`Resident record is ${resident.status}`, 'resident_not_active');
      if (await activeContract(trx, input.residentId, today)) throw conflict('Resident already has an active contract: renew or change team instead', 'contract_active');
      return startContract(trx, ctx, { ...input, startDate, previousId: null });
    }),
  );
}

/** The contract's resident (for the resident's gate) and, inside the write, the signer check. */
async function contractOfTeam(trx: Transaction<DB>, ctx: CareContext, contractId: string) {
  const c = await trx.selectFrom('contract as c').innerJoin('team as t', 't.id', 'c.team_id').select(['c.resident_id', 'c.team_id', 't.institution_id']).where('c.id', '=', contractId).executeTakeFirstOrThrow();
  requireSigner(ctx, c.team_id, c.institution_id);
  return c;
}

/**
 * Renewal: a new one-year contract from the old end date (or today when it has lapsed). The
 * current contract stays in force until its end; a lapsed one is marked superseded.
 */
export async function renewContract(ctx: CareContext, contractId: string, input: { packageCode?: string | undefined; keyPopulations?: KeyPopulation[] | undefined }) {
  const residentId = await ctx.ownerOf('contract', contractId);
  const today = todayIso();
  return ctx.writeForResident(residentId, { action: 'create', resource: 'contract', fields: ['renewal'] }, async (trx) => {
    await contractOfTeam(trx, ctx, contractId);
    const old = await trx.selectFrom('contract').selectAll().where('id', '=', contractId).forUpdate().executeTakeFirstOrThrow();
    if (old.status !== 'active') throw conflict(`Contract is ${old.status}`);
    const already = await trx.selectFrom('contract').select('id').where('previous_contract_id', '=', contractId).where('status', '=', 'active').executeTakeFirst();
    if (already) throw conflict('Contract is already renewed', 'already_renewed');
    const lapsed = old.end_date <= today;
    await trx
      .updateTable('contract')
      .set(lapsed ? { status: 'superseded', end_reason: 'renewed', ended_at: new Date() } : { end_reason: 'renewed' })
      .where('id', '=', contractId)
      .execute();
    return startContract(trx, ctx, {
      residentId: old.resident_id,
      teamId: old.team_id,
      packageCode: input.packageCode ?? old.package_code,
      keyPopulations: (input.keyPopulations ?? old.key_populations) as KeyPopulation[],
      startDate: lapsed ? today : old.end_date,
      previousId: old.id,
    });
  });
}

/** Ends every active contract of the resident (the one in force and any renewal queued after it). */
async function endActiveContracts(trx: Transaction<DB>, residentId: string, status: 'terminated' | 'superseded', reason: string) {
  await trx
    .updateTable('contract')
    .set({ status, end_reason: reason, ended_at: new Date() })
    .where('resident_id', '=', residentId)
    .where('status', '=', 'active')
    .execute();
}

export async function terminateContract(ctx: CareContext, contractId: string, reason: string) {
  const residentId = await ctx.ownerOf('contract', contractId);
  await ctx.writeForResident(residentId, { action: 'update', resource: 'contract', fields: ['status'], reason }, async (trx) => {
    await contractOfTeam(trx, ctx, contractId);
    const old = await trx.selectFrom('contract').select('status').where('id', '=', contractId).forUpdate().executeTakeFirstOrThrow();
    if (old.status !== 'active') throw conflict(`Contract is ${old.status}`);
    await endActiveContracts(trx, residentId, 'terminated', reason);
  });
  return { id: contractId, status: 'terminated' as const };
}

/** Change of team: the old contract ends (superseded) and a new one-year contract starts today with the new team. */
export async function changeTeam(ctx: CareContext, contractId: string, input: { teamId: string; reason: string }) {
  const residentId = await ctx.ownerOf('contract', contractId);
  const today = todayIso();
  return ctx.writeForResident(residentId, { action: 'update', resource: 'contract', fields: ['team_id'], reason: input.reason }, async (trx) => {
    const c = await contractOfTeam(trx, ctx, contractId);
    if (c.team_id === input.teamId) throw badRequest('body.teamId', 'is already the contract team');
    const old = await trx.selectFrom('contract').selectAll().where('id', '=', contractId).forUpdate().executeTakeFirstOrThrow();
    if (old.status !== 'active') throw conflict(`Contract is ${old.status}`);
    await endActiveContracts(trx, residentId, 'superseded', `team change: ${input.reason}`);
    return startContract(trx, ctx, {
      residentId: old.resident_id,
      teamId: input.teamId,
      packageCode: old.package_code,
      keyPopulations: old.key_populations as KeyPopulation[],
      startDate: today,
      previousId: old.id,
    });
  });
}

export async function listContracts(ctx: CareContext, residentId: string) {
  const rows = await ctx.readResident(residentId, { action: 'read', resource: 'contract' }, (db) =>
    db
    .selectFrom('contract as c')
    .innerJoin('team as t', 't.id', 'c.team_id')
    .innerJoin('service_package as p', 'p.code', 'c.package_code')
    .select(['c.id', 'c.team_id', 't.name as team_name', 'c.package_code', 'p.name as package_name', 'c.key_populations', 'c.start_date', 'c.end_date', 'c.status', 'c.end_reason'])
    .where('c.resident_id', '=', residentId)
    .orderBy('c.start_date', 'desc')
    .execute(),
  );
  return rows.map((r) => ({
    id: r.id,
    teamId: r.team_id,
    teamName: r.team_name,
    packageCode: r.package_code,
    packageName: r.package_name,
    keyPopulations: r.key_populations,
    startDate: r.start_date,
    endDate: r.end_date,
    status: r.status as 'active' | 'terminated' | 'superseded',
    endReason: r.end_reason,
  }));
}
