import { sql, type Kysely } from 'kysely';

/**
 * The closed referral loop (SPEC 7, 8, 13; seeds 000, 002, 003, 004):
 * - referral states follow the FHIR Task machine (requested → received → accepted / rejected →
 *   in_progress → completed, plus cancelled, on_hold, failed); the old seam's states are mapped
 *   (seen → in_progress, returned / closed → completed). Every change is a referral_event row.
 * - hospitals publish specialist sessions; a share is reserved for member primary-care institutions
 *   until a release time; the counters are only ever moved by conditional UPDATEs, and CHECKs make
 *   an oversell impossible whatever the code does;
 * - a down-referral carries its discharge package; its dated community tasks point back at it;
 * - mutually recognised tests (catalogue with LOINC codes and validity windows, per region with a
 *   default), and every order inside a window records whether the earlier result was reused;
 * - encounters carry their reimbursement pathway and the ratio applied.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql
    .raw(
      `
ALTER TABLE referral DROP CONSTRAINT referral_status_check;
UPDATE referral SET status = CASE status WHEN 'seen' THEN 'in_progress' WHEN 'returned' THEN 'completed' WHEN 'closed' THEN 'completed' ELSE status END
 WHERE status IN ('seen','returned','closed');
ALTER TABLE referral ADD CONSTRAINT referral_status_check
  CHECK (status IN ('requested','received','accepted','rejected','in_progress','on_hold','completed','cancelled','failed'));
ANALYZE referral;
ALTER TABLE referral
  ADD COLUMN department_id uuid REFERENCES department(id),
  ADD COLUMN followup_visit_id uuid REFERENCES followup_visit(id),
  ADD COLUMN parent_referral_id uuid REFERENCES referral(id),
  ADD COLUMN session_id uuid,
  ADD COLUMN received_at timestamptz,
  ADD COLUMN accepted_at timestamptz,
  ADD COLUMN completed_at timestamptz,
  ADD COLUMN closed_at timestamptz,
  ADD COLUMN status_reason text,
  ADD COLUMN summary jsonb,
  ADD COLUMN findings text,
  ADD COLUMN diagnosis text,
  ADD COLUMN discharge_package jsonb,
  ADD COLUMN encounter_id uuid REFERENCES encounter(id),
  ADD COLUMN reimbursement_pathway text CHECK (reimbursement_pathway IN ('community_first','referred','unreferred')),
  ADD COLUMN reimbursement_ratio numeric(4,3);
CREATE INDEX referral_requested_at_idx ON referral(requested_at);
CREATE INDEX referral_parent_idx ON referral(parent_referral_id) WHERE parent_referral_id IS NOT NULL;
CREATE INDEX referral_back_idx ON referral(resident_id, (coalesce(returned_at, updated_at))) WHERE direction = 'down' OR returned_at IS NOT NULL;
CREATE INDEX referral_incoming_idx ON referral(to_institution_id, department_id, status, requested_at);

CREATE TABLE referral_event (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  referral_id uuid NOT NULL REFERENCES referral(id),
  resident_id uuid NOT NULL REFERENCES resident(id),
  action text NOT NULL,
  from_status text,
  to_status text NOT NULL,
  reason text,
  actor_user_id uuid REFERENCES app_user(id),
  at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX referral_event_referral_idx ON referral_event(referral_id, at);

CREATE TABLE referral_policy (
  institution_id uuid PRIMARY KEY REFERENCES institution(id),
  reserved_share numeric(3,2) NOT NULL DEFAULT 0.30 CHECK (reserved_share >= 0 AND reserved_share <= 1),
  release_hours integer NOT NULL DEFAULT 48 CHECK (release_hours >= 0 AND release_hours <= 720),
  updated_by uuid REFERENCES app_user(id),
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE specialist_session (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  institution_id uuid NOT NULL REFERENCES institution(id),
  department_id uuid NOT NULL REFERENCES department(id),
  doctor_user_id uuid REFERENCES app_user(id),
  clinic_name text,
  session_date date NOT NULL,
  start_time time NOT NULL,
  end_time time NOT NULL CHECK (end_time > start_time),
  starts_at timestamptz NOT NULL,
  capacity integer NOT NULL CHECK (capacity > 0 AND capacity <= 500),
  reserved integer NOT NULL CHECK (reserved >= 0 AND reserved <= capacity),
  release_at timestamptz NOT NULL,
  open_booked integer NOT NULL DEFAULT 0,
  reserved_booked integer NOT NULL DEFAULT 0,
  status text NOT NULL DEFAULT 'open' CHECK (status IN ('open','cancelled')),
  created_by uuid REFERENCES app_user(id),
  created_at timestamptz NOT NULL DEFAULT now(),
  CHECK (open_booked >= 0 AND open_booked <= capacity - reserved),
  CHECK (reserved_booked >= 0 AND reserved_booked <= reserved)
);
CREATE INDEX specialist_session_dept_idx ON specialist_session(department_id, session_date);
CREATE INDEX specialist_session_inst_idx ON specialist_session(institution_id, session_date);

CREATE TABLE slot_booking (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  session_id uuid NOT NULL REFERENCES specialist_session(id),
  referral_id uuid NOT NULL REFERENCES referral(id),
  resident_id uuid NOT NULL REFERENCES resident(id),
  pool text NOT NULL CHECK (pool IN ('reserved','open')),
  status text NOT NULL DEFAULT 'booked' CHECK (status IN ('booked','cancelled')),
  booked_by uuid REFERENCES app_user(id),
  booked_at timestamptz NOT NULL DEFAULT now(),
  cancelled_at timestamptz
);
CREATE UNIQUE INDEX slot_booking_referral_uq ON slot_booking(referral_id) WHERE status = 'booked';
CREATE INDEX slot_booking_session_idx ON slot_booking(session_id, status);

ALTER TABLE care_task ADD COLUMN referral_id uuid REFERENCES referral(id);
CREATE INDEX care_task_referral_idx ON care_task(referral_id) WHERE referral_id IS NOT NULL;

ALTER TABLE encounter
  ADD COLUMN reimbursement_pathway text CHECK (reimbursement_pathway IN ('community_first','referred','unreferred')),
  ADD COLUMN reimbursement_ratio numeric(4,3);

CREATE TABLE reimbursement_rate (
  pathway text PRIMARY KEY CHECK (pathway IN ('community_first','referred','unreferred')),
  ratio numeric(4,3) NOT NULL CHECK (ratio >= 0 AND ratio <= 1),
  updated_at timestamptz NOT NULL DEFAULT now()
);
INSERT INTO reimbursement_rate (pathway, ratio) VALUES ('community_first', 0.80), ('referred', 0.70), ('unreferred', 0.50);

-- Region '*' is the default catalogue; a region's own rows override an item or add one.
CREATE TABLE recognised_test (
  region_code text NOT NULL,
  loinc text NOT NULL,
  name text NOT NULL,
  name_en text NOT NULL,
  kind text NOT NULL CHECK (kind IN ('lab','imaging')),
  validity_days integer NOT NULL CHECK (validity_days > 0 AND validity_days <= 730),
  active boolean NOT NULL DEFAULT true,
  PRIMARY KEY (region_code, loinc)
);
INSERT INTO recognised_test (region_code, loinc, name, name_en, kind, validity_days) VALUES
  ('*', '58410-2', '血常规', 'Complete blood count', 'lab', 7),
  ('*', '24357-6', '尿常规', 'Urinalysis', 'lab', 7),
  ('*', '1558-6', '空腹血糖', 'Fasting glucose', 'lab', 7),
  ('*', '4548-4', '糖化血红蛋白', 'HbA1c', 'lab', 30),
  ('*', '24331-1', '血脂四项', 'Lipid panel', 'lab', 30),
  ('*', '24325-3', '肝功能', 'Hepatic function panel', 'lab', 14),
  ('*', '24362-6', '肾功能', 'Renal function panel', 'lab', 14),
  ('*', '24326-1', '电解质', 'Electrolytes panel', 'lab', 7),
  ('*', '3016-3', '促甲状腺激素', 'TSH', 'lab', 30),
  ('*', '14959-1', '尿微量白蛋白/肌酐比', 'Urine albumin/creatinine ratio', 'lab', 30),
  ('*', '11524-6', '心电图', 'Electrocardiogram', 'imaging', 30),
  ('*', '36643-5', '胸部X线', 'Chest X-ray', 'imaging', 180),
  ('*', '24627-2', '胸部CT', 'Chest CT', 'imaging', 180),
  ('*', '24558-9', '腹部超声', 'Abdominal ultrasound', 'imaging', 180),
  ('*', '42148-7', '超声心动图', 'Echocardiogram', 'imaging', 180),
  ('*', '24590-2', '头颅CT', 'Head CT', 'imaging', 180),
  ('*', '30746-2', '颈动脉超声', 'Carotid ultrasound', 'imaging', 180);

CREATE TABLE test_order (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  resident_id uuid NOT NULL REFERENCES resident(id),
  loinc text NOT NULL,
  institution_id uuid REFERENCES institution(id),
  ordered_by uuid REFERENCES app_user(id),
  ordered_at timestamptz NOT NULL DEFAULT now(),
  referral_id uuid REFERENCES referral(id),
  earlier_observation_id uuid REFERENCES observation(id),
  earlier_institution_id uuid REFERENCES institution(id),
  earlier_at timestamptz,
  decision text NOT NULL CHECK (decision IN ('new','reused','repeated')),
  reason text,
  CHECK (decision = 'new' OR earlier_observation_id IS NOT NULL),
  CHECK (decision <> 'repeated' OR length(reason) >= 2)
);
-- Referral KPIs: follow-ups classified urgent or refer, by date.
CREATE INDEX followup_visit_referral_kpi_idx ON followup_visit(visit_date) INCLUDE (resident_id, institution_id, team_id, recorded_by) WHERE (urgent OR referral_suggested) AND entry_status = 'active';
CREATE INDEX test_order_resident_idx ON test_order(resident_id, ordered_at DESC);
CREATE INDEX test_order_period_idx ON test_order(ordered_at) WHERE decision <> 'new';
`,
    )
    .execute(db);
}

export async function down(): Promise<void> {
  throw new Error('forward-only');
}
