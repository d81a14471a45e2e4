import { loadConfig } from './config/config.js';
import { migrateToLatest, openDatabase, openOwnerDatabase } from './db/database.js';
import { buildApp } from './app.js';
import { seedDemoDistrict } from './db/seed/demo-district.js';
import { connectedAsSuperuser } from './audit/audit-chain.js';

const config = loadConfig();
const database = await openDatabase(config.database);
// Migrations and the seed run as the owner (MIGRATION_DATABASE_URL); the application as DATABASE_URL.
const owner = await openOwnerDatabase(config.database, database);
const schemaVersion = await migrateToLatest(owner.db);
const app = await buildApp({ config, database, schemaVersion });

if (config.seed === 'demo') {
  const seeded = await seedDemoDistrict(owner.db, app.deps.crypto, { log: (m) => app.log.info(m) });
  printDemoLogins(seeded.logins, seeded.created);
}
await owner.close();
if (await connectedAsSuperuser(database)) {
  app.log.warn('the application connects to PostgreSQL as a superuser, which can rewrite the audit trail: connect as kanglian_app (see README)');
}

await app.listen({ port: config.port, host: config.host });
app.log.info(`Kanglian 康联 on http://localhost:${config.port} (database: ${database.kind}, schema ${schemaVersion})`);

function printDemoLogins(logins: { username: string; password: string; role: string; description: string }[], created: boolean): void {
  const lines = [
    '',
    created ? '  Demo district seeded. Demo log-ins:' : '  Demo log-ins:',
    ...logins.map((l) => `    ${l.username.padEnd(14)} ${l.password.padEnd(14)} ${l.role.padEnd(20)} ${l.description}`),
    '',
  ];
  console.log(lines.join('\n'));
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void app.close().then(() => database.close()).then(() => process.exit(0));
  });
}
