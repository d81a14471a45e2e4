import { sql, type Kysely } from 'kysely';

/**
 * Central sterile supply (集中式消毒供应, 下收下送; SPEC capability 14, seed 000 article 1). Tables of their own
 * (ss_*), no resident data: a pack may name the encounter it was opened for by id only.
 *
 * Rules the database keeps, whatever the code does:
 * - a pack issued on a date after its expiry, or without a passing external chemical indicator, violates
 *   ss_pack_issuable (CHECK); issue also needs a released batch and a stop past hand hygiene (trigger);
 * - a 代消毒 item is scheduled for the day before the centre's next run, never before it came in (CHECK);
 * - stop steps advance one at a time in the seed's order (CHECK + conditional updates in the service);
 * - one recall per failed biological indicator (UNIQUE), a pack in at most one recall.
 */
const ROLES_ADDED = ['cssd_staff', 'cssd_run_nurse', 'cssd_centre_nurse'];
const MATERIALS = `('textile','paper_bag','crepe_paper','nonwoven','paper_plastic','rigid_container')`;
const METHODS = `('steam_prevacuum','steam_gravity','h2o2_plasma','ethylene_oxide')`;

export async function up(db: Kysely<unknown>): Promise<void> {
  // Extend app_user's role CHECK with the new roles, keeping whatever roles other migrations added.
  const existing = await sql<{ def: string }>`
    SELECT pg_get_constraintdef(c.oid) AS def FROM pg_constraint c
    WHERE c.conrelid = 'app_user'::regclass AND c.contype = 'c' AND c.conname = 'app_user_role_check'`.execute(db);
  const def = existing.rows[0]?.def ?? '';
  const roles = new Set([...def.matchAll(/'([a-z_]+)'/g)].map((m) => m[1]!));
  for (const r of ROLES_ADDED) roles.add(r);
  const list = [...roles].map((r) => `'${r}'`).join(',');
  if (def) await sql.raw(`ALTER TABLE app_user DROP CONSTRAINT app_user_role_check`).execute(db);
  await sql.raw(`ALTER TABLE app_user ADD CONSTRAINT app_user_role_check CHECK (role IN (${list}))`).execute(db);

  await sql
    .raw(
      `
-- The supply department (消毒供应中心) of a hospital, and the centres its van serves.
CREATE TABLE ss_department (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  institution_id uuid NOT NULL UNIQUE REFERENCES institution(id),
  name text NOT NULL,
  -- WS 310.1-2016: sterile store below 24 ℃ and 70 % RH; decides the textile validity (14 d or 7 d).
  store_controlled boolean NOT NULL DEFAULT true,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE ss_centre (
  centre_id uuid PRIMARY KEY REFERENCES institution(id),
  department_id uuid NOT NULL REFERENCES ss_department(id),
  route_name text NOT NULL,
  stop_order integer NOT NULL CHECK (stop_order BETWEEN 1 AND 100),
  planned_time text NOT NULL CHECK (planned_time ~ '^([01][0-9]|2[0-3]):[0-5][0-9]$'),
  run_weekdays smallint[] NOT NULL CHECK (cardinality(run_weekdays) >= 1 AND run_weekdays <@ ARRAY[1,2,3,4,5,6,7]::smallint[])
);
CREATE INDEX ss_centre_department_idx ON ss_centre(department_id);

-- Sterile validity by packaging material, versioned. Version 1: paper-plastic 6 months from the seed
-- (「灭菌有效期6个月的纸塑包装」); the others from WS 310.2-2016 (textile 14 d in a controlled store, else 7 d;
-- medical paper bag 30 d; crepe paper, non-woven and rigid containers 180 d).
CREATE TABLE ss_validity_rule (
  id integer PRIMARY KEY,
  version integer NOT NULL,
  effective_from date NOT NULL,
  material text NOT NULL CHECK (material IN ${MATERIALS}),
  store_controlled boolean,
  months integer CHECK (months > 0),
  days integer CHECK (days > 0),
  basis text NOT NULL,
  CHECK ((months IS NULL) <> (days IS NULL)),
  UNIQUE (version, material, store_controlled)
);
INSERT INTO ss_validity_rule (id, version, effective_from, material, store_controlled, months, days, basis) VALUES
  (1, 1, '2009-03-01', 'paper_plastic', NULL, 6, NULL, 'seed 000 article 1 (纸塑包装 灭菌有效期6个月); WS 310.2-2016 says 180 d'),
  (2, 1, '2009-03-01', 'textile', true, NULL, 14, 'WS 310.2-2016: 普通棉布, store < 24 ℃ and < 70 % RH'),
  (3, 1, '2009-03-01', 'textile', false, NULL, 7, 'WS 310.2-2016: 普通棉布, store not meeting WS 310.1'),
  (4, 1, '2009-03-01', 'paper_bag', NULL, NULL, 30, 'WS 310.2-2016: 医用一次性纸袋'),
  (5, 1, '2009-03-01', 'crepe_paper', NULL, NULL, 180, 'WS 310.2-2016: 一次性医用皱纹纸'),
  (6, 1, '2009-03-01', 'nonwoven', NULL, NULL, 180, 'WS 310.2-2016: 医用无纺布'),
  (7, 1, '2009-03-01', 'rigid_container', NULL, NULL, 180, 'WS 310.2-2016: 硬质容器');

-- Catalogue: one standard name, content list and label per pack (seed 1.2.2).
CREATE TABLE ss_pack_type (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  department_id uuid NOT NULL REFERENCES ss_department(id),
  code text NOT NULL,
  name text NOT NULL,
  contents jsonb NOT NULL DEFAULT '[]'::jsonb,
  material text NOT NULL CHECK (material IN ${MATERIALS}),
  method text NOT NULL CHECK (method IN ${METHODS}),
  low_use boolean NOT NULL DEFAULT false,
  high_risk boolean NOT NULL DEFAULT true,
  implant boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (department_id, code),
  UNIQUE (department_id, name)
);

CREATE TABLE ss_instrument (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  department_id uuid NOT NULL REFERENCES ss_department(id),
  pack_type_id uuid REFERENCES ss_pack_type(id),
  name text NOT NULL,
  spec text NOT NULL DEFAULT '',
  udi text,
  status text NOT NULL DEFAULT 'in_service' CHECK (status IN ('in_service','scrapped')),
  scrapped_at timestamptz,
  scrapped_by uuid REFERENCES app_user(id),
  scrap_reason text,
  -- 报废: a scrapped instrument leaves its pack's content.
  CHECK (status = 'in_service' OR (pack_type_id IS NULL AND scrapped_at IS NOT NULL AND scrap_reason IS NOT NULL))
);
CREATE INDEX ss_instrument_pack_idx ON ss_instrument(pack_type_id);

CREATE TABLE ss_steriliser (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  department_id uuid NOT NULL REFERENCES ss_department(id),
  code text NOT NULL,
  name text NOT NULL,
  method text NOT NULL CHECK (method IN ${METHODS}),
  status text NOT NULL DEFAULT 'in_service' CHECK (status IN ('in_service','blocked')),
  blocked_at timestamptz,
  bi_passes_since_block integer NOT NULL DEFAULT 0 CHECK (bi_passes_since_block BETWEEN 0 AND 2),
  UNIQUE (department_id, code),
  CHECK (status = 'blocked' OR bi_passes_since_block = 0)
);

-- Cleaning: automatic washer-disinfector; the seed's final rinse is 93 ℃ (WS 310.2: ≥ 90 ℃ for ≥ 1 min before sterilisation).
CREATE TABLE ss_wash_cycle (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  department_id uuid NOT NULL REFERENCES ss_department(id),
  washer_code text NOT NULL,
  washed_on date NOT NULL,
  final_rinse_c numeric(4,1) NOT NULL CHECK (final_rinse_c BETWEEN 0 AND 120),
  rinse_minutes numeric(5,1) NOT NULL CHECK (rinse_minutes >= 0),
  passed boolean NOT NULL,
  recorded_by uuid NOT NULL REFERENCES app_user(id),
  recorded_at timestamptz NOT NULL DEFAULT now()
);

-- A centre's request for packs (incl. the day-ahead call for low-use packs).
CREATE TABLE ss_request (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  department_id uuid NOT NULL REFERENCES ss_department(id),
  centre_id uuid NOT NULL REFERENCES institution(id),
  pack_type_id uuid NOT NULL REFERENCES ss_pack_type(id),
  quantity integer NOT NULL CHECK (quantity BETWEEN 1 AND 500),
  needed_on date NOT NULL,
  requested_on date NOT NULL,
  day_ahead boolean NOT NULL,
  status text NOT NULL DEFAULT 'open' CHECK (status IN ('open','fulfilled','cancelled')),
  fulfilled_stop_id uuid,
  requested_by uuid NOT NULL REFERENCES app_user(id),
  requested_at timestamptz NOT NULL DEFAULT now(),
  CHECK (needed_on >= requested_on)
);
CREATE INDEX ss_request_centre_idx ON ss_request(centre_id, status, needed_on);

CREATE TABLE ss_run (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  department_id uuid NOT NULL REFERENCES ss_department(id),
  run_date date NOT NULL,
  route_name text NOT NULL,
  driver_name text NOT NULL,
  nurse_user_id uuid NOT NULL REFERENCES app_user(id),
  status text NOT NULL DEFAULT 'planned' CHECK (status IN ('planned','in_progress','completed')),
  planned_by uuid NOT NULL REFERENCES app_user(id),
  planned_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (department_id, run_date, route_name)
);

-- A stop: progress is the last step done, in the seed's order (1.2.5.2):
-- 1 gloves_on, 2 reprocess_counted, 3 reprocess_boxed, 4 used_counted, 5 used_boxed, 6 gloves_off,
-- 7 hand_hygiene, 8 issued.
CREATE TABLE ss_stop (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  run_id uuid NOT NULL REFERENCES ss_run(id),
  centre_id uuid NOT NULL REFERENCES institution(id),
  stop_order integer NOT NULL,
  planned_time text NOT NULL CHECK (planned_time ~ '^([01][0-9]|2[0-3]):[0-5][0-9]$'),
  progress smallint NOT NULL DEFAULT 0 CHECK (progress BETWEEN 0 AND 8),
  collection_status text NOT NULL DEFAULT 'pending' CHECK (collection_status IN ('pending','matched','discrepancy','resolved')),
  resolved_by uuid REFERENCES app_user(id),
  resolved_at timestamptz,
  resolution_note text,
  issued_at timestamptz,
  UNIQUE (run_id, centre_id),
  CHECK (collection_status <> 'resolved' OR (resolved_by IS NOT NULL AND resolution_note IS NOT NULL)),
  CHECK (progress < 8 OR issued_at IS NOT NULL)
);
CREATE INDEX ss_stop_centre_idx ON ss_stop(centre_id);
ALTER TABLE ss_request ADD CONSTRAINT ss_request_stop_fk FOREIGN KEY (fulfilled_stop_id) REFERENCES ss_stop(id);

CREATE TABLE ss_stop_event (
  stop_id uuid NOT NULL REFERENCES ss_stop(id),
  step_no smallint NOT NULL CHECK (step_no BETWEEN 1 AND 8),
  step text NOT NULL,
  done_by uuid NOT NULL REFERENCES app_user(id),
  done_at timestamptz NOT NULL DEFAULT clock_timestamp(),
  PRIMARY KEY (stop_id, step_no)
);

-- The centre's exchange slip (换物单): name, specification, quantity of what it hands over.
CREATE TABLE ss_slip_line (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  stop_id uuid NOT NULL REFERENCES ss_stop(id),
  kind text NOT NULL CHECK (kind IN ('reprocess','used')),
  name text NOT NULL,
  spec text NOT NULL DEFAULT '',
  quantity integer NOT NULL CHECK (quantity BETWEEN 1 AND 1000),
  entered_by uuid NOT NULL REFERENCES app_user(id),
  UNIQUE (stop_id, kind, name, spec)
);

-- What the run nurse counted, line by line against the slip.
CREATE TABLE ss_count_line (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  stop_id uuid NOT NULL REFERENCES ss_stop(id),
  kind text NOT NULL CHECK (kind IN ('reprocess','used')),
  name text NOT NULL,
  spec text NOT NULL DEFAULT '',
  slip_quantity integer NOT NULL CHECK (slip_quantity >= 0),
  counted_quantity integer NOT NULL CHECK (counted_quantity >= 0),
  intact boolean NOT NULL DEFAULT true,
  UNIQUE (stop_id, kind, name, spec)
);

-- 代消毒 items: processed the day before the centre's next run (seed 1.2.5.3), never before they came in.
CREATE TABLE ss_reprocess_item (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  department_id uuid NOT NULL REFERENCES ss_department(id),
  centre_id uuid NOT NULL REFERENCES institution(id),
  stop_id uuid NOT NULL REFERENCES ss_stop(id),
  name text NOT NULL,
  spec text NOT NULL DEFAULT '',
  quantity integer NOT NULL CHECK (quantity >= 1),
  collected_on date NOT NULL,
  next_run_on date NOT NULL,
  scheduled_on date NOT NULL,
  status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending','packed')),
  CHECK (next_run_on > collected_on),
  CHECK (scheduled_on = GREATEST(collected_on, next_run_on - 1))
);
CREATE INDEX ss_reprocess_schedule_idx ON ss_reprocess_item(department_id, scheduled_on) WHERE status = 'pending';
CREATE INDEX ss_reprocess_centre_idx ON ss_reprocess_item(centre_id, next_run_on) WHERE status = 'pending';

CREATE TABLE ss_bd_test (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  steriliser_id uuid NOT NULL REFERENCES ss_steriliser(id),
  tested_on date NOT NULL,
  result text NOT NULL CHECK (result IN ('pass','fail')),
  recorded_by uuid NOT NULL REFERENCES app_user(id),
  recorded_at timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX ss_bd_test_idx ON ss_bd_test(steriliser_id, tested_on, recorded_at DESC);

-- A load (灭菌批次). Batches of one steriliser are ordered by (sterilised_on, cycle_no).
CREATE TABLE ss_batch (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  department_id uuid NOT NULL REFERENCES ss_department(id),
  steriliser_id uuid NOT NULL REFERENCES ss_steriliser(id),
  batch_no text NOT NULL,
  sterilised_on date NOT NULL,
  cycle_no integer NOT NULL CHECK (cycle_no >= 1),
  contains_implant boolean NOT NULL DEFAULT false,
  bi_required boolean NOT NULL DEFAULT false,
  -- A test cycle (e.g. the 3 biological indicators that requalify a blocked steriliser) carries no packs, is never released.
  test_cycle boolean NOT NULL DEFAULT false,
  status text NOT NULL DEFAULT 'loading' CHECK (status IN ('loading','completed','released','failed')),
  temperature_c numeric(5,1),
  pressure_kpa numeric(6,1),
  exposure_minutes numeric(5,1),
  physical_pass boolean,
  results_by uuid REFERENCES app_user(id),
  results_at timestamptz,
  released_by uuid REFERENCES app_user(id),
  released_at timestamptz,
  created_by uuid NOT NULL REFERENCES app_user(id),
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (department_id, batch_no),
  UNIQUE (steriliser_id, sterilised_on, cycle_no),
  CHECK (status NOT IN ('completed','released') OR physical_pass IS NOT NULL),
  CHECK (status <> 'released' OR (physical_pass AND released_by IS NOT NULL AND NOT test_cycle))
);
CREATE INDEX ss_batch_order_idx ON ss_batch(steriliser_id, sterilised_on, cycle_no);

CREATE TABLE ss_bi_test (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  steriliser_id uuid NOT NULL REFERENCES ss_steriliser(id),
  batch_id uuid NOT NULL REFERENCES ss_batch(id),
  result text NOT NULL CHECK (result IN ('pass','fail')),
  read_on date NOT NULL,
  recorded_by uuid NOT NULL REFERENCES app_user(id),
  recorded_at timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX ss_bi_test_idx ON ss_bi_test(steriliser_id, result);
CREATE INDEX ss_bi_test_batch_idx ON ss_bi_test(batch_id);

CREATE TABLE ss_recall (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  department_id uuid NOT NULL REFERENCES ss_department(id),
  steriliser_id uuid NOT NULL REFERENCES ss_steriliser(id),
  bi_test_id uuid NOT NULL UNIQUE REFERENCES ss_bi_test(id),
  last_pass_batch_id uuid REFERENCES ss_batch(id),
  opened_on date NOT NULL,
  opened_by uuid NOT NULL REFERENCES app_user(id),
  opened_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE ss_pack (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  department_id uuid NOT NULL REFERENCES ss_department(id),
  label text NOT NULL UNIQUE,
  pack_type_id uuid REFERENCES ss_pack_type(id),
  reprocess_item_id uuid REFERENCES ss_reprocess_item(id),
  owner_centre_id uuid REFERENCES institution(id),
  name text NOT NULL,
  quantity integer NOT NULL DEFAULT 1 CHECK (quantity >= 1),
  batch_id uuid NOT NULL REFERENCES ss_batch(id),
  packer_id uuid NOT NULL REFERENCES app_user(id),
  packed_at timestamptz NOT NULL DEFAULT now(),
  material text NOT NULL CHECK (material IN ${MATERIALS}),
  method text NOT NULL CHECK (method IN ${METHODS}),
  sterilised_on date NOT NULL,
  expires_on date NOT NULL,
  validity_rule_id integer NOT NULL REFERENCES ss_validity_rule(id),
  implant boolean NOT NULL DEFAULT false,
  chemical_external text CHECK (chemical_external IN ('pass','fail')),
  chemical_internal text CHECK (chemical_internal IN ('pass','fail')),
  status text NOT NULL DEFAULT 'packed' CHECK (status IN ('packed','in_store','issued','used','recalled','discarded')),
  issued_stop_id uuid REFERENCES ss_stop(id),
  issued_centre_id uuid REFERENCES institution(id),
  issued_on date,
  issued_by uuid REFERENCES app_user(id),
  issued_at timestamptz,
  used_on date,
  used_by uuid REFERENCES app_user(id),
  -- Seam: the encounter a pack was opened for, by id only; reading it goes through the resident access check.
  encounter_id uuid,
  CHECK ((pack_type_id IS NULL) <> (reprocess_item_id IS NULL)),
  CHECK (expires_on > sterilised_on),
  -- The rule of issue: never after expiry, never without a passing external chemical indicator.
  CONSTRAINT ss_pack_issuable CHECK (issued_on IS NULL OR (issued_on >= sterilised_on AND issued_on <= expires_on AND chemical_external IS NOT DISTINCT FROM 'pass')),
  CHECK (status NOT IN ('issued','used') OR (issued_on IS NOT NULL AND issued_centre_id IS NOT NULL AND issued_stop_id IS NOT NULL)),
  CHECK (status <> 'used' OR used_on IS NOT NULL)
);
CREATE INDEX ss_pack_stock_idx ON ss_pack(department_id, pack_type_id, status, expires_on);
CREATE INDEX ss_pack_batch_idx ON ss_pack(batch_id);
CREATE INDEX ss_pack_centre_idx ON ss_pack(issued_centre_id, status);

CREATE TABLE ss_recall_item (
  recall_id uuid NOT NULL REFERENCES ss_recall(id),
  pack_id uuid NOT NULL UNIQUE REFERENCES ss_pack(id),
  prior_status text NOT NULL CHECK (prior_status IN ('packed','in_store','issued')),
  centre_id uuid REFERENCES institution(id),
  PRIMARY KEY (recall_id, pack_id)
);

-- Issue needs a released batch and a stop whose collection and hand hygiene are done (seed 1.2.5.2).
CREATE FUNCTION ss_pack_issue_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.status = 'issued' AND OLD.status IS DISTINCT FROM 'issued' THEN
    IF NOT EXISTS (SELECT 1 FROM ss_batch b WHERE b.id = NEW.batch_id AND b.status = 'released') THEN
      RAISE EXCEPTION 'ss_pack % issued from a batch that is not released', NEW.label USING ERRCODE = 'check_violation';
    END IF;
    IF NOT EXISTS (SELECT 1 FROM ss_stop s WHERE s.id = NEW.issued_stop_id AND s.progress >= 7) THEN
      RAISE EXCEPTION 'ss_pack % issued before collection and hand hygiene at the stop', NEW.label USING ERRCODE = 'check_violation';
    END IF;
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER ss_pack_issue_guard BEFORE UPDATE OF status ON ss_pack
  FOR EACH ROW EXECUTE FUNCTION ss_pack_issue_guard();
`,
    )
    .execute(db);
}

export async function down(): Promise<void> {
  throw new Error('Migrations are forward-only; restore from backup to go back.');
}
