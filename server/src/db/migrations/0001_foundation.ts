import { sql, type Kysely } from 'kysely';

/**
 * Columns every confirmed clinical entry carries (WS/T 517 §5.3: an archived entry is never deleted;
 * a correction cancels it — 注销 — and a new entry replaces it, with who, when and why).
 */
const ENTRY_COLUMNS = `
  resident_id uuid NOT NULL REFERENCES resident(id),
  institution_id uuid REFERENCES institution(id),
  recorded_by uuid REFERENCES app_user(id),
  recorded_at timestamptz NOT NULL DEFAULT now(),
  source text NOT NULL DEFAULT 'clinic' CHECK (source IN ('clinic','hospital','device','import','seed')),
  entry_status text NOT NULL DEFAULT 'active' CHECK (entry_status IN ('active','cancelled')),
  cancelled_at timestamptz,
  cancelled_by uuid REFERENCES app_user(id),
  cancel_reason text,
  replaces_id uuid
`;

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql
    .raw(
      `
CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA public;

CREATE TABLE region (
  code text PRIMARY KEY CHECK (code ~ '^[0-9]{6}$'),
  name text NOT NULL,
  name_en text NOT NULL
);

CREATE TABLE institution (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  code text NOT NULL UNIQUE,
  name text NOT NULL,
  name_en text NOT NULL,
  kind text NOT NULL CHECK (kind IN ('tertiary_hospital','secondary_hospital','community_health_centre','community_health_station','village_clinic','health_commission','insurance_bureau')),
  region_code text NOT NULL REFERENCES region(code),
  parent_id uuid REFERENCES institution(id),
  uscc text,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX institution_parent_idx ON institution(parent_id);

CREATE TABLE department (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  institution_id uuid NOT NULL REFERENCES institution(id),
  name text NOT NULL,
  name_en text NOT NULL,
  specialty text
);
CREATE INDEX department_institution_idx ON department(institution_id);

CREATE TABLE team (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  institution_id uuid NOT NULL REFERENCES institution(id),
  name text NOT NULL,
  name_en text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX team_institution_idx ON team(institution_id);

CREATE TABLE grid (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  institution_id uuid NOT NULL REFERENCES institution(id),
  team_id uuid REFERENCES team(id),
  name text NOT NULL
);
CREATE INDEX grid_team_idx ON grid(team_id);

CREATE TABLE app_user (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  username text NOT NULL UNIQUE,
  password_hash text NOT NULL,
  role text NOT NULL CHECK (role IN ('resident','gp','health_manager','public_health','nurse','specialist','referral_coordinator','institution_admin','commission_admin','insurance_admin')),
  display_name text NOT NULL,
  institution_id uuid REFERENCES institution(id),
  department_id uuid REFERENCES department(id),
  resident_id uuid,
  failed_logins integer NOT NULL DEFAULT 0,
  locked_until timestamptz,
  password_changed_at timestamptz NOT NULL DEFAULT now(),
  active boolean NOT NULL DEFAULT true,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX app_user_institution_idx ON app_user(institution_id);

CREATE TABLE team_member (
  team_id uuid NOT NULL REFERENCES team(id),
  user_id uuid NOT NULL REFERENCES app_user(id),
  team_role text NOT NULL CHECK (team_role IN ('gp','health_manager','public_health','nurse','specialist','volunteer')),
  PRIMARY KEY (team_id, user_id)
);
CREATE INDEX team_member_user_idx ON team_member(user_id);

CREATE TABLE user_session (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  token_hash text NOT NULL UNIQUE,
  user_id uuid NOT NULL REFERENCES app_user(id),
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL,
  revoked_at timestamptz
);
CREATE INDEX user_session_user_idx ON user_session(user_id);

CREATE TABLE resident (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  name text NOT NULL,
  sex text NOT NULL CHECK (sex IN ('male','female','unknown')),
  birth_date date NOT NULL,
  national_id_enc bytea,
  national_id_bidx text,
  national_id_masked text,
  phone_enc bytea,
  phone_bidx text,
  phone_masked text,
  address text,
  home_institution_id uuid REFERENCES institution(id),
  grid_id uuid REFERENCES grid(id),
  resident_since date,
  basic_info jsonb NOT NULL DEFAULT '{}'::jsonb,
  status text NOT NULL DEFAULT 'active' CHECK (status IN ('active','merged','deceased','moved_out')),
  merged_into_id uuid REFERENCES resident(id),
  created_by uuid REFERENCES app_user(id),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  version integer NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX resident_national_id_bidx_uq ON resident(national_id_bidx) WHERE status <> 'merged';
CREATE INDEX resident_phone_bidx_idx ON resident(phone_bidx);
CREATE INDEX resident_name_prefix_idx ON resident(name text_pattern_ops);
CREATE INDEX resident_name_trgm_idx ON resident USING gin (name gin_trgm_ops);
CREATE INDEX resident_birth_idx ON resident(birth_date, sex);
CREATE INDEX resident_home_institution_idx ON resident(home_institution_id);
ALTER TABLE app_user ADD CONSTRAINT app_user_resident_fk FOREIGN KEY (resident_id) REFERENCES resident(id);

CREATE TABLE resident_identifier (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  resident_id uuid NOT NULL REFERENCES resident(id),
  system text NOT NULL CHECK (system IN ('passport','birth_certificate','hk_macau_permit','taiwan_permit','foreign_permanent_residence','medical_record','insurance_card','health_card')),
  value_enc bytea NOT NULL,
  value_bidx text NOT NULL,
  value_masked text NOT NULL,
  issuer text,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX resident_identifier_lookup_idx ON resident_identifier(system, value_bidx);
CREATE INDEX resident_identifier_resident_idx ON resident_identifier(resident_id);

CREATE TABLE resident_merge (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  survivor_id uuid NOT NULL REFERENCES resident(id),
  merged_id uuid NOT NULL REFERENCES resident(id),
  score numeric(5,3),
  reason text NOT NULL,
  moved_entries jsonb NOT NULL DEFAULT '[]'::jsonb,
  merged_by uuid NOT NULL REFERENCES app_user(id),
  merged_at timestamptz NOT NULL DEFAULT now(),
  unmerged_by uuid REFERENCES app_user(id),
  unmerged_at timestamptz,
  unmerge_reason text
);
CREATE INDEX resident_merge_survivor_idx ON resident_merge(survivor_id);
CREATE INDEX resident_merge_merged_idx ON resident_merge(merged_id);

CREATE TABLE service_package (
  code text PRIMARY KEY,
  name text NOT NULL,
  name_en text NOT NULL,
  kind text NOT NULL CHECK (kind IN ('basic','personalised')),
  annual_fee_cents integer NOT NULL DEFAULT 0,
  items jsonb NOT NULL DEFAULT '[]'::jsonb
);

CREATE TABLE contract (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  resident_id uuid NOT NULL REFERENCES resident(id),
  team_id uuid NOT NULL REFERENCES team(id),
  gp_user_id uuid REFERENCES app_user(id),
  package_code text NOT NULL REFERENCES service_package(code),
  key_populations text[] NOT NULL DEFAULT '{}',
  start_date date NOT NULL,
  end_date date NOT NULL,
  status text NOT NULL DEFAULT 'active' CHECK (status IN ('active','terminated','superseded')),
  previous_contract_id uuid REFERENCES contract(id),
  end_reason text,
  ended_at timestamptz,
  signed_by uuid REFERENCES app_user(id),
  created_at timestamptz NOT NULL DEFAULT now(),
  CHECK (end_date > start_date)
);
CREATE INDEX contract_resident_idx ON contract(resident_id, status);
CREATE INDEX contract_team_idx ON contract(team_id, status);

-- Seam for the referral capability (SPEC 7): access control already honours open referrals.
CREATE TABLE referral (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  resident_id uuid NOT NULL REFERENCES resident(id),
  direction text NOT NULL CHECK (direction IN ('up','down')),
  from_institution_id uuid NOT NULL REFERENCES institution(id),
  to_institution_id uuid NOT NULL REFERENCES institution(id),
  urgency text NOT NULL DEFAULT 'routine' CHECK (urgency IN ('routine','urgent','green_channel')),
  reason text NOT NULL,
  status text NOT NULL DEFAULT 'requested' CHECK (status IN ('requested','accepted','seen','returned','closed','cancelled')),
  requested_by uuid REFERENCES app_user(id),
  requested_at timestamptz NOT NULL DEFAULT now(),
  seen_at timestamptz,
  returned_at timestamptz,
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX referral_resident_idx ON referral(resident_id, status);

CREATE TABLE break_glass (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id uuid NOT NULL REFERENCES app_user(id),
  resident_id uuid NOT NULL REFERENCES resident(id),
  reason text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL,
  reviewed_by uuid REFERENCES app_user(id),
  reviewed_at timestamptz,
  review_outcome text CHECK (review_outcome IN ('justified','unjustified'))
);
CREATE INDEX break_glass_lookup_idx ON break_glass(user_id, resident_id, expires_at);
CREATE INDEX break_glass_review_idx ON break_glass(reviewed_at) WHERE reviewed_at IS NULL;

CREATE TABLE encounter (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  ${ENTRY_COLUMNS},
  kind text NOT NULL CHECK (kind IN ('outpatient','inpatient','emergency','home_visit','follow_up','health_check','teleconsultation')),
  started_at timestamptz NOT NULL,
  ended_at timestamptz,
  department text,
  practitioner_name text,
  reason text,
  diagnosis_text text,
  summary text
);
CREATE INDEX encounter_resident_idx ON encounter(resident_id, started_at DESC);

CREATE TABLE condition (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  ${ENTRY_COLUMNS},
  icd10 text NOT NULL CHECK (icd10 ~ '^[A-Z][0-9]{2}(\\.[0-9A-Z]{1,4})?$'),
  display text NOT NULL,
  clinical_status text NOT NULL DEFAULT 'active' CHECK (clinical_status IN ('active','resolved','suspected')),
  onset_date date,
  diagnosed_on date NOT NULL,
  note text
);
CREATE INDEX condition_resident_idx ON condition(resident_id, diagnosed_on DESC);
CREATE INDEX condition_code_idx ON condition(icd10) WHERE entry_status = 'active';

CREATE TABLE observation (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  ${ENTRY_COLUMNS},
  encounter_id uuid REFERENCES encounter(id),
  loinc text NOT NULL,
  display text NOT NULL,
  value_numeric numeric,
  value_text text,
  unit text,
  effective_at timestamptz NOT NULL
);
CREATE INDEX observation_resident_idx ON observation(resident_id, effective_at DESC);

CREATE TABLE medication (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  ${ENTRY_COLUMNS},
  drug_name text NOT NULL,
  atc_code text,
  dose text,
  frequency text,
  route text,
  start_date date NOT NULL,
  end_date date,
  prescriber_name text
);
CREATE INDEX medication_resident_idx ON medication(resident_id, start_date DESC);

CREATE TABLE immunization (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  ${ENTRY_COLUMNS},
  vaccine_code text NOT NULL,
  vaccine_name text NOT NULL,
  dose_number integer,
  occurred_on date NOT NULL,
  lot_number text
);
CREATE INDEX immunization_resident_idx ON immunization(resident_id, occurred_on DESC);

CREATE TABLE change_log (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  resident_id uuid REFERENCES resident(id),
  table_name text NOT NULL,
  row_id uuid NOT NULL,
  changed_by uuid REFERENCES app_user(id),
  changed_at timestamptz NOT NULL DEFAULT now(),
  reason text NOT NULL,
  before jsonb,
  after jsonb
);
CREATE INDEX change_log_resident_idx ON change_log(resident_id, changed_at DESC);

CREATE TABLE audit_event (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  occurred_at timestamptz NOT NULL DEFAULT clock_timestamp(),
  actor_user_id uuid,
  actor_role text,
  actor_institution_id uuid,
  action text NOT NULL,
  outcome text NOT NULL DEFAULT 'success' CHECK (outcome IN ('success','denied','error')),
  resident_id uuid,
  resource text NOT NULL,
  fields text[],
  access_basis text,
  reason text,
  client_ip text,
  detail jsonb
);
CREATE INDEX audit_event_resident_idx ON audit_event(resident_id, occurred_at DESC);
CREATE INDEX audit_event_actor_idx ON audit_event(actor_user_id, occurred_at DESC);

-- Audit rows are append-only: no role reachable from the application may alter or remove them.
CREATE FUNCTION audit_event_is_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_event is append-only (% refused)', TG_OP USING ERRCODE = 'insufficient_privilege';
END $$;
CREATE TRIGGER audit_event_no_update BEFORE UPDATE OR DELETE ON audit_event
  FOR EACH ROW EXECUTE FUNCTION audit_event_is_append_only();
CREATE TRIGGER audit_event_no_truncate BEFORE TRUNCATE ON audit_event
  FOR EACH STATEMENT EXECUTE FUNCTION audit_event_is_append_only();
`,
    )
    .execute(db);
}

export async function down(): Promise<void> {
  throw new Error('Migrations are forward-only; restore from backup to go back.');
}
