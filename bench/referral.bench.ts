/**
 * Specialist-slot booking and the hospital's incoming queue through the real API at district scale.
 *
 * Setup (in the bench database, removed again at the end): a week of cardiology sessions at the
 * tertiary hospital (5 days × morning and afternoon, 60 places each, 30% reserved for member centres:
 * 600 places) and 1,000 open up-referrals of 1,000 different residents contracted to the district's
 * community teams. Case 1: the 1,000 residents compete for the week — each referral is booked once
 * (POST /api/referrals/:id/book, by the hospital's referral coordinator), at concurrency 32; about 400
 * must get 409 slot_unavailable (counted in `err`). After the run the bench checks in SQL that no
 * session is oversold and that the counters equal the bookings. Case 2: the coordinator's incoming
 * queue for the busiest department (GET /api/referrals?box=incoming&open=true&departmentId=…).
 * Warm-up requests book into a separate warm-up session, so they never touch the measured week.
 * Targets: booking p99 ≤ 50 ms, no oversell. Run: npm run bench:referral [-- --concurrency C]
 * (BENCH_BOOKING_CONCURRENCY=N sets the booking race's concurrency, default 32).
 */
import { sql } from 'kysely';
import pg from 'pg';
import { loadConfig } from '../server/src/config/config.js';
import { runBench, type BenchCase } from './support.js';

const RESIDENTS = 1000;
const WARMUP_REFERRALS = 200;
const DAYS = 5;
const CAPACITY = 60;
const BOOKING_CONCURRENCY = Number(process.env.BENCH_BOOKING_CONCURRENCY ?? 32);
const TAG = 'bench:referral';

const config = loadConfig(process.env);
const url = config.database.kind === 'postgresql' ? config.database.url : null;

async function cleanUp(pool: pg.Pool) {
  await pool.query(`DELETE FROM slot_booking WHERE referral_id IN (SELECT id FROM referral WHERE reason = $1)`, [TAG]);
  await pool.query(`DELETE FROM referral_event WHERE referral_id IN (SELECT id FROM referral WHERE reason = $1)`, [TAG]);
  await pool.query(`DELETE FROM referral WHERE reason = $1`, [TAG]);
  await pool.query(`DELETE FROM specialist_session WHERE clinic_name = $1`, [TAG]);
}

interface Setup {
  coordinator: string;
  departmentId: string;
  sessions: string[];
  warmupSession: string;
  referrals: string[];
}
let setup: Setup | undefined;

const results = await runBench({
  name: 'referral',
  notes: {
    booking: `POST /api/referrals/:id/book — ${RESIDENTS} residents, one booking each, for ${DAYS * 2} sessions × ${CAPACITY} places (30% reserved), concurrency ${BOOKING_CONCURRENCY}; 409 slot_unavailable is the expected answer once the week is full (counted as err)`,
    queue: 'GET /api/referrals?box=incoming&open=true&departmentId=<busiest department>&limit=50 as the hospital coordinator',
    target: 'booking p99 ≤ 50 ms, no oversell',
  },
  user: async (env) => {
    const { rows } = await sql<{ username: string; department_id: string; institution_id: string }>`
      SELECT u.username, d.id AS department_id, i.id AS institution_id
        FROM institution i
        JOIN department d ON d.institution_id = i.id AND d.specialty = 'cardiology'
        JOIN app_user u ON u.institution_id = i.id AND u.role = 'referral_coordinator' AND u.active
       WHERE i.kind = 'tertiary_hospital'
       ORDER BY u.username LIMIT 1`.execute(env.db);
    const c = rows[0];
    if (!c) throw new Error('no tertiary hospital with cardiology and a referral coordinator');
    if (!url) throw new Error('bench:referral runs on PostgreSQL (DATABASE_URL)');
    const pool = new pg.Pool({ connectionString: url, max: 2 });
    try {
      await cleanUp(pool);
      // A week of sessions from tomorrow (China time), morning and afternoon, and one warm-up session.
      const sessions: string[] = [];
      const today = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);
      const insertSession = async (date: string, start: string, end: string, capacity: number) => {
        const startsAt = new Date(`${date}T${start}:00+08:00`);
        const reserved = Math.round(capacity * 0.3);
        const { rows: r } = await pool.query<{ id: string }>(
          `INSERT INTO specialist_session (institution_id, department_id, clinic_name, session_date, start_time, end_time, starts_at, capacity, reserved, release_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $7::timestamptz - interval '48 hours') RETURNING id`,
          [c.institution_id, c.department_id, TAG, date, start, end, startsAt, capacity, reserved],
        );
        return r[0]!.id;
      };
      for (let d = 1; d <= DAYS; d++) {
        const date = new Date(Date.parse(`${today}T00:00:00Z`) + d * 86_400_000).toISOString().slice(0, 10);
        sessions.push(await insertSession(date, '08:00', '11:30', CAPACITY));
        sessions.push(await insertSession(date, '13:30', '16:30', CAPACITY));
      }
      const warmupSession = await insertSession(new Date(Date.parse(`${today}T00:00:00Z`) + 8 * 86_400_000).toISOString().slice(0, 10), '08:00', '11:30', 500);
      // 1,000 (+ warm-up) residents under a community team's contract, each with one open up-referral.
      const { rows: refs } = await pool.query<{ id: string }>(
        `WITH picked AS (
           SELECT c.resident_id, tm.institution_id, c.gp_user_id
             FROM contract c JOIN team tm ON tm.id = c.team_id
            WHERE c.status = 'active' AND c.end_date > current_date
            ORDER BY c.resident_id LIMIT $1)
         INSERT INTO referral (resident_id, direction, from_institution_id, to_institution_id, department_id, urgency, reason, status, requested_by)
         SELECT p.resident_id, 'up', p.institution_id, $2, $3, 'routine', $4, 'requested', p.gp_user_id FROM picked p
         RETURNING id`,
        [RESIDENTS + WARMUP_REFERRALS, c.institution_id, c.department_id, TAG],
      );
      // Fresh statistics, as autovacuum would keep them in a live system (1,200 new rows of one department).
      await pool.query('ANALYZE referral');
      setup = { coordinator: c.username, departmentId: c.department_id, sessions, warmupSession, referrals: refs.map((r) => r.id) };
      console.log(`  setup: ${sessions.length} sessions × ${CAPACITY} places, ${refs.length} referrals (${RESIDENTS} measured, ${refs.length - RESIDENTS} warm-up)`);
    } finally {
      await pool.end();
    }
    return c.username;
  },
  cases: async () => {
    const s = setup!;
    const cases: BenchCase[] = [
      {
        label: `book a slot (${RESIDENTS} residents, ${s.sessions.length * CAPACITY} places)`,
        method: 'POST',
        requests: RESIDENTS,
        concurrency: BOOKING_CONCURRENCY,
        urls: (i) => `/api/referrals/${s.referrals[i % s.referrals.length]}/book`,
        body: (i) => ({ sessionId: i < RESIDENTS ? s.sessions[i % s.sessions.length] : s.warmupSession }),
      },
      {
        label: 'incoming queue, busiest department',
        urls: [`/api/referrals?box=incoming&open=true&departmentId=${s.departmentId}&limit=50`],
        check: (body) => (body as { items: unknown[] }).items.length > 0,
      },
      { label: 'sessions of the department (2 weeks)', urls: [`/api/specialist-sessions?departmentId=${s.departmentId}`] },
    ];
    return cases;
  },
});

// No oversell: every session's counters equal its bookings and stay within its pools.
if (url && setup) {
  const pool = new pg.Pool({ connectionString: url, max: 2 });
  try {
    const { rows } = await pool.query<{ sessions: number; capacity: number; booked: number; counted: number; oversold: number; mismatched: number }>(
      `SELECT count(*)::int AS sessions, sum(s.capacity)::int AS capacity, sum(s.open_booked + s.reserved_booked)::int AS counted,
              (SELECT count(*)::int FROM slot_booking b WHERE b.session_id = ANY($1::uuid[]) AND b.status = 'booked') AS booked,
              count(*) FILTER (WHERE s.open_booked > s.capacity - s.reserved OR s.reserved_booked > s.reserved)::int AS oversold,
              count(*) FILTER (WHERE s.open_booked + s.reserved_booked <> (SELECT count(*) FROM slot_booking b WHERE b.session_id = s.id AND b.status = 'booked'))::int AS mismatched
         FROM specialist_session s WHERE s.id = ANY($1::uuid[])`,
      [setup.sessions],
    );
    const r = rows[0]!;
    const booking = results.find((x) => x.label.startsWith('book a slot'))!;
    console.log(
      `\nno-oversell check: ${r.sessions} sessions, ${r.capacity} places, ${r.booked} bookings, counters ${r.counted}, oversold sessions ${r.oversold}, counter mismatches ${r.mismatched}; ` +
        `${booking.requests - booking.errors} bookings answered 200, ${booking.errors} answered 409`,
    );
    if (r.oversold > 0 || r.mismatched > 0 || r.booked > r.capacity || r.booked !== booking.requests - booking.errors) {
      console.error('OVERSELL OR INCONSISTENT COUNTS');
      process.exitCode = 1;
    }
    await cleanUp(pool);
  } finally {
    await pool.end();
  }
}
