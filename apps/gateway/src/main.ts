// Tracing first: the official instrumentations patch http, pg, mongodb and kafkajs as
// they load, so the service is imported after (docs/operations.md, "Tracing").
import { startTracing } from '@gridline/telemetry';

startTracing('gateway');
await import('./service.js');
