// The store's migration as a program, for the Kubernetes Job (deploy/k8s/migrate.yaml)
// and compose's one-shot: `node dist/libs/store-postgres/src/migrate.js`, with the
// owner's connection string in DATABASE_URL. The command line has the same as
// `npm run gridline -- migrate`.
import { migrateEventStore } from './schema.js';

const url = process.env['DATABASE_URL'];
if (!url) {
  console.error(
    JSON.stringify({ level: 'error', message: "DATABASE_URL (the owner's) is not set" }),
  );
  process.exit(2);
}
try {
  const result = await migrateEventStore(url);
  console.log(JSON.stringify({ level: 'info', message: 'event store migrated', ...result }));
} catch (error) {
  console.error(JSON.stringify({ level: 'error', message: (error as Error).message }));
  process.exit(1);
}
