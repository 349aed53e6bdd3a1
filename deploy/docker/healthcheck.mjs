// Container health check: GET /health/ready on the app's own port, exit 0 when it
// answers 200. Written for node because the slim base image has no curl or wget.
// PORT falls back to each app's default port (as in apps/<app>/src/main.ts).
const defaults = {
  gateway: 3000,
  'swc-service': 3001,
  'drc-service': 3002,
  'street-service': 3003,
  projector: 3004,
};
const port = process.env.PORT || defaults[process.env.APP ?? ''];
const path = process.argv[2] ?? '/health/ready';

try {
  const response = await fetch(`http://127.0.0.1:${port}${path}`, {
    signal: AbortSignal.timeout(4_000),
  });
  if (!response.ok) {
    console.error(`${path}: ${response.status} ${await response.text()}`);
    process.exit(1);
  }
} catch (error) {
  console.error(`${path}: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
