import { sql, type Kysely } from 'kysely';

/** Programmes, screening, follow-up visits, due tasks and assessments (SPEC capabilities 2–5). */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql
    .raw(
      `
CREATE TABLE programme_enrolment (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  resident_id uuid NOT NULL REFERENCES resident(id),
  programme text NOT NULL CHECK (programme IN ('hypertension','diabetes','elderly','child','maternal')),
  status text NOT NULL DEFAULT 'active' CHECK (status IN ('active','ended')),
  enrolled_on date NOT NULL,
  ended_on date,
  end_reason text,
  icd10 text,
  team_id uuid REFERENCES team(id),
  doctor_user_id uuid REFERENCES app_user(id),
  institution_id uuid REFERENCES institution(id),
  custom_target_sbp integer,
  custom_target_dbp integer,
  details jsonb NOT NULL DEFAULT '{}'::jsonb,
  last_visit_date date,
  last_controlled boolean,
  next_due_date date,
  risk_colour text CHECK (risk_colour IN ('green','yellow','red')),
  risk_rule text,
  risk_computed_at timestamptz,
  enrolled_by uuid REFERENCES app_user(id),
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX programme_enrolment_active_uq ON programme_enrolment(resident_id, programme) WHERE status = 'active';
CREATE INDEX programme_enrolment_team_idx ON programme_enrolment(team_id, programme);
CREATE INDEX programme_enrolment_kpi_idx ON programme_enrolment(programme, enrolled_on);

CREATE TABLE screening (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  resident_id uuid NOT NULL REFERENCES resident(id),
  institution_id uuid REFERENCES institution(id),
  recorded_by uuid REFERENCES app_user(id),
  recorded_at timestamptz NOT NULL DEFAULT now(),
  entry_status text NOT NULL DEFAULT 'active' CHECK (entry_status IN ('active','cancelled')),
  kind text NOT NULL CHECK (kind IN ('bp','fbg')),
  measured_on date NOT NULL,
  sbp integer,
  dbp integer,
  fbg numeric(4,1),
  result text NOT NULL
);
CREATE INDEX screening_resident_idx ON screening(resident_id, kind, measured_on DESC);

CREATE TABLE followup_visit (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  resident_id uuid NOT NULL REFERENCES resident(id),
  enrolment_id uuid NOT NULL REFERENCES programme_enrolment(id),
  programme text NOT NULL CHECK (programme IN ('hypertension','diabetes')),
  institution_id uuid REFERENCES institution(id),
  team_id uuid REFERENCES team(id),
  recorded_by uuid REFERENCES app_user(id),
  recorded_at timestamptz NOT NULL DEFAULT now(),
  entry_status text NOT NULL DEFAULT 'active' CHECK (entry_status IN ('active','cancelled')),
  cancelled_at timestamptz,
  cancelled_by uuid REFERENCES app_user(id),
  cancel_reason text,
  visit_date date NOT NULL,
  visit_mode text NOT NULL CHECK (visit_mode IN ('clinic','home','phone')),
  symptoms text[] NOT NULL DEFAULT '{}',
  sbp integer,
  dbp integer,
  heart_rate integer,
  weight_kg numeric(5,1),
  height_cm numeric(5,1),
  bmi numeric(4,1),
  waist_cm numeric(5,1),
  fbg numeric(4,1),
  hba1c numeric(4,1),
  temperature_c numeric(3,1),
  lifestyle jsonb NOT NULL DEFAULT '{}'::jsonb,
  adherence text CHECK (adherence IN ('regular','intermittent','none')),
  adverse_reaction text NOT NULL DEFAULT 'none' CHECK (adverse_reaction IN ('none','controllable','uncontrollable')),
  adverse_reaction_detail text,
  new_complication boolean NOT NULL DEFAULT false,
  complication_detail text,
  medications jsonb NOT NULL DEFAULT '[]'::jsonb,
  classification text NOT NULL,
  controlled boolean NOT NULL,
  -- Controlled against the national KPI target (140/90, 150/90 at 65+; FBG < 7.0), whatever target the doctor set.
  kpi_controlled boolean,
  action text NOT NULL,
  urgent boolean NOT NULL DEFAULT false,
  referral_suggested boolean NOT NULL DEFAULT false,
  reasons text[] NOT NULL DEFAULT '{}',
  next_due_date date NOT NULL,
  note text
);
CREATE INDEX followup_visit_resident_idx ON followup_visit(resident_id, programme, visit_date DESC);
CREATE INDEX followup_visit_enrolment_idx ON followup_visit(enrolment_id, visit_date) WHERE entry_status = 'active';
CREATE INDEX followup_visit_kpi_idx ON followup_visit(programme, visit_date) INCLUDE (enrolment_id, kpi_controlled, visit_mode) WHERE entry_status = 'active';

CREATE TABLE care_task (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  resident_id uuid NOT NULL REFERENCES resident(id),
  programme text NOT NULL CHECK (programme IN ('hypertension','diabetes','elderly','child','maternal','screening','referral')),
  task_code text NOT NULL,
  label text NOT NULL,
  label_en text NOT NULL,
  due_date date NOT NULL,
  window_end date NOT NULL,
  team_id uuid REFERENCES team(id),
  assignee_user_id uuid REFERENCES app_user(id),
  priority text NOT NULL DEFAULT 'normal' CHECK (priority IN ('urgent','high','normal')),
  reason text,
  status text NOT NULL DEFAULT 'open' CHECK (status IN ('open','done','cancelled')),
  done_on date,
  done_ref uuid,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX care_task_open_uq ON care_task(resident_id, programme, task_code) WHERE status = 'open';
CREATE INDEX care_task_team_idx ON care_task(team_id, status, due_date);
CREATE INDEX care_task_assignee_idx ON care_task(assignee_user_id, status, due_date);
CREATE INDEX care_task_kpi_idx ON care_task(programme, window_end);

CREATE TABLE elderly_assessment (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  resident_id uuid NOT NULL REFERENCES resident(id),
  institution_id uuid REFERENCES institution(id),
  recorded_by uuid REFERENCES app_user(id),
  recorded_at timestamptz NOT NULL DEFAULT now(),
  entry_status text NOT NULL DEFAULT 'active' CHECK (entry_status IN ('active','cancelled')),
  assessed_on date NOT NULL,
  items jsonb NOT NULL,
  total_score integer NOT NULL CHECK (total_score BETWEEN 0 AND 37),
  band text NOT NULL,
  note text
);
CREATE INDEX elderly_assessment_resident_idx ON elderly_assessment(resident_id, assessed_on DESC);
`,
    )
    .execute(db);
}

export async function down(): Promise<void> {
  throw new Error('Migrations are forward-only; restore from backup to go back.');
}
