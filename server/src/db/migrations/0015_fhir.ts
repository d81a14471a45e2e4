import { sql, type Kysely } from 'kysely';

/**
 * FHIR R4 at the boundary (SPEC 11). FHIR is a view of the platform's own rows, not a second store:
 * - every mapped row carries a version counter and its last update (meta.versionId, ETag, If-Match);
 *   a trigger bumps them on every UPDATE, whoever makes it, and keeps the previous row in
 *   row_version so vread and _history read old versions through the same mappers;
 * - fhir_detail keeps the elements of a received resource that the columns do not hold (codings as
 *   given — SNOMED CT, RxNorm, CVX —, status, category, BP components), so it reads back as sent;
 * - source_ref is the sender's own id for an entry (per sending institution): posting the same
 *   bundle twice creates nothing new, decided by a unique index, never by read-then-write;
 * - identifiers from other systems (US SSN, driver's licences, MRNs of foreign hospitals) are kept
 *   under system 'other' with their URI; a condition may arrive without an ICD-10 code (SNOMED CT
 *   only): its code is then in fhir_detail and icd10 is empty unless the mapping table knows it.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql
    .raw(
      `
ALTER TABLE resident_identifier ADD COLUMN system_uri text;
ALTER TABLE resident_identifier DROP CONSTRAINT resident_identifier_system_check;
ALTER TABLE resident_identifier ADD CONSTRAINT resident_identifier_system_check
  CHECK (system IN ('passport','birth_certificate','hk_macau_permit','taiwan_permit','foreign_permanent_residence','medical_record','insurance_card','health_card','other'));
ALTER TABLE resident_identifier ADD CONSTRAINT resident_identifier_other_has_uri CHECK (system <> 'other' OR system_uri IS NOT NULL);
CREATE INDEX resident_identifier_value_idx ON resident_identifier(value_bidx);

ALTER TABLE condition ALTER COLUMN icd10 DROP NOT NULL;

CREATE TABLE row_version (
  table_name text NOT NULL,
  row_id uuid NOT NULL,
  version integer NOT NULL,
  last_updated timestamptz NOT NULL,
  row_data jsonb NOT NULL,
  PRIMARY KEY (table_name, row_id, version)
);

CREATE FUNCTION row_version_bump() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO row_version(table_name, row_id, version, last_updated, row_data)
    VALUES (TG_TABLE_NAME, OLD.id, OLD.version, OLD.last_updated, to_jsonb(OLD));
  NEW.version := OLD.version + 1;
  NEW.last_updated := clock_timestamp();
  RETURN NEW;
END $$;

CREATE FUNCTION resident_version_bump() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO row_version(table_name, row_id, version, last_updated, row_data)
    VALUES ('resident', OLD.id, OLD.version, OLD.updated_at, to_jsonb(OLD));
  NEW.version := OLD.version + 1;
  NEW.updated_at := clock_timestamp();
  RETURN NEW;
END $$;
CREATE TRIGGER resident_version BEFORE UPDATE ON resident FOR EACH ROW EXECUTE FUNCTION resident_version_bump();

-- SMART Backend Services: a hospital's HIS/EMR registered per institution. It acts as its own staff
-- account (user_id; no team, so it reaches residents only through its institution's referrals),
-- authenticates with a signed JWT (public key here), and each access token is a short session whose
-- granted scopes are kept beside it. An assertion's jti is used once.
CREATE TABLE system_client (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  client_id text NOT NULL UNIQUE,
  name text NOT NULL,
  institution_id uuid NOT NULL REFERENCES institution(id),
  user_id uuid NOT NULL UNIQUE REFERENCES app_user(id),
  public_jwk jsonb NOT NULL,
  allowed_scopes text[] NOT NULL,
  active boolean NOT NULL DEFAULT true,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE system_token (
  session_id uuid PRIMARY KEY REFERENCES user_session(id),
  system_client_id uuid NOT NULL REFERENCES system_client(id),
  scopes text[] NOT NULL
);
-- R4 Subscriptions (rest-hook): notifications follow the owner's care relationships at delivery
-- time; one row per (subscription, resource, version) — never notified twice —, retried with backoff.
CREATE TABLE fhir_subscription (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  owner_user_id uuid NOT NULL REFERENCES app_user(id),
  resource_type text NOT NULL,
  criteria text NOT NULL,
  endpoint text NOT NULL,
  headers text[] NOT NULL DEFAULT '{}',
  payload text,
  status text NOT NULL DEFAULT 'active' CHECK (status IN ('active','off','error')),
  reason text,
  matched_until timestamptz NOT NULL DEFAULT now(),
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX fhir_subscription_active_idx ON fhir_subscription(status) WHERE status = 'active';
CREATE TABLE fhir_notification (
  subscription_id uuid NOT NULL REFERENCES fhir_subscription(id),
  resource_id uuid NOT NULL,
  resource_version integer NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  attempts integer NOT NULL DEFAULT 0,
  next_attempt_at timestamptz NOT NULL DEFAULT now(),
  claimed_until timestamptz,
  delivered_at timestamptz,
  last_error text,
  PRIMARY KEY (subscription_id, resource_id, resource_version)
);
CREATE INDEX fhir_notification_due_idx ON fhir_notification(next_attempt_at) WHERE delivered_at IS NULL;

CREATE TABLE system_client_assertion (
  system_client_id uuid NOT NULL REFERENCES system_client(id),
  jti text NOT NULL,
  expires_at timestamptz NOT NULL,
  PRIMARY KEY (system_client_id, jti)
);
`,
    )
    .execute(db);
  for (const table of ['encounter', 'observation', 'condition', 'medication', 'immunization']) {
    await sql
      .raw(
        `
ALTER TABLE ${table} ADD COLUMN version integer NOT NULL DEFAULT 1;
ALTER TABLE ${table} ADD COLUMN last_updated timestamptz NOT NULL DEFAULT now();
ALTER TABLE ${table} ADD COLUMN fhir_detail jsonb;
ALTER TABLE ${table} ADD COLUMN source_ref text;
CREATE UNIQUE INDEX ${table}_source_ref_uq ON ${table}(institution_id, source_ref) WHERE source_ref IS NOT NULL;
CREATE TRIGGER ${table}_version BEFORE UPDATE ON ${table} FOR EACH ROW EXECUTE FUNCTION row_version_bump();
`,
      )
      .execute(db);
  }
  // Observation search by patient + code + date.
  await sql.raw(`CREATE INDEX observation_resident_code_idx ON observation(resident_id, loinc, effective_at DESC);`).execute(db);
}

export async function down(): Promise<void> {
  throw new Error('Migrations are forward-only; restore from backup to go back.');
}
