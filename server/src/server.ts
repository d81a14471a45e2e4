import { loadConfig } from './config/config.js';
import { migrateToLatest, openDatabase, openOwnerDatabase } from './db/database.js';
import { buildApp } from './app.js';
import { pruneLoginThrottle } from './auth/login-throttle.js';
import { accountsWithDemoPassword, DEMO_PASSWORD, seedDemoDistrict } from './db/seed/demo-district.js';
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

// Demo accounts are seeded on the embedded database by default, on PostgreSQL only with KANGLIAN_SEED=demo;
// wherever they exist (seeded now or earlier), say so where nobody can miss it.
const demoAccounts = await accountsWithDemoPassword(database.db);
if (demoAccounts.length > 0) warnDemoAccounts(demoAccounts);

// Forgotten log-in attempts (unknown names included) are pruned at start and every hour.
const prune = () => pruneLoginThrottle(database.db).catch((err: unknown) => app.log.error({ err }, 'pruning login_throttle failed'));
await prune();
setInterval(() => void prune(), 3600_000).unref();

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

function warnDemoAccounts(usernames: string[]): void {
  const bar = '!'.repeat(96);
  console.warn(
    [
      '',
      bar,
      `!!  DEMO ACCOUNTS ACTIVE — password ${DEMO_PASSWORD}, never in production.`,
      `!!  ${usernames.length} account(s) log in with it: ${usernames.join(', ')}.`,
      '!!  Start PostgreSQL deployments without KANGLIAN_SEED=demo, on a database that never held the demo district.',
      bar,
      '',
    ].join('\n'),
  );
  app.log.warn({ accounts: usernames.length }, `DEMO ACCOUNTS ACTIVE — password ${DEMO_PASSWORD}, never in production`);
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void app
      .close()
      .then(() => database.close())
      .then(() => process.exit(0));
  });
}
