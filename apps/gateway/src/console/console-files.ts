import { createReadStream, existsSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import type { INestApplication } from '@nestjs/common';
import {
  loadConfig,
  parsers,
  setting,
  type JsonLogger,
  type ServiceConfig,
} from '@gridline/platform';

/**
 * The web console (apps/console, built by `npm run build` into dist/console),
 * served by the gateway at `/` as static files: the files themselves, and
 * index.html for the console's own routes (`/board`, `/cases/<id>`, …: history-API
 * routing) when the browser asks for a page. `/api/*`, `/health/*` and `/metrics`
 * are never touched. The page itself is public; every call it makes for data
 * carries the user's token, as any other client's.
 */

/** The build next to this compiled file: dist/apps/gateway/src/console → dist/console. */
export const BUILT_CONSOLE_DIR = path.resolve(
  import.meta.dirname,
  '..',
  '..',
  '..',
  '..',
  'console',
);

/** How the console signs in: the identity provider and the console's public client there. */
export interface ConsoleSignIn {
  readonly issuer: string;
  readonly clientId: string;
  /** Where admins manage accounts and roles, shown to them in the console. */
  readonly accountsUrl?: string;
}

/** Keycloak's admin console of the issuer's realm (…/realms/<name> → …/admin/<name>/console/). */
export function keycloakAccountsUrl(issuer: string): string | undefined {
  const match = /^(https?:\/\/[^/]+(?:\/.*)?)\/realms\/([^/]+)\/?$/.exec(issuer);
  return match ? `${match[1]}/admin/${match[2]}/console/` : undefined;
}

export const consoleSettings = {
  CONSOLE_OIDC_CLIENT_ID: setting(
    "the console's public OpenID Connect client at the identity provider",
    parsers.string,
    'gridline-console',
  ),
  CONSOLE_OIDC_ISSUER: setting(
    'issuer the console signs in with (default: JWT_ISSUER, the one the services trust)',
    parsers.string,
    '',
  ),
  CONSOLE_ACCOUNTS_URL: setting(
    "where admins manage accounts and roles (default: a Keycloak issuer's admin console)",
    parsers.string,
    '',
  ),
};

/**
 * Strict: only the console's own scripts, styles and API calls, plus the
 * identity provider's token endpoint (code exchange and refresh); no inline
 * code, no framing.
 */
export function consoleCsp(signIn: ConsoleSignIn): string {
  let provider = '';
  try {
    provider = ` ${new URL(signIn.issuer).origin}`;
  } catch {
    // An issuer that is not a URL (a test key's name): nothing to reach.
  }
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    `connect-src 'self'${provider}`,
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  'permissions-policy': 'camera=(), microphone=(), geolocation=()',
};

/** What the console fetches first: where to sign in (public: it is what the login page shows anyway). */
export const CONSOLE_CONFIG_PATH = '/console-config.json';

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.webmanifest': 'application/manifest+json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

/** Vite names every built asset after its content hash: such a file never changes. */
const IMMUTABLE = 'public, max-age=31536000, immutable';
/** index.html names the current assets: always revalidated, so a new build shows at once. */
const REVALIDATE = 'no-cache';
/** Other files at the root (favicon, robots.txt): unhashed, so only briefly. */
const SHORT = 'public, max-age=300';

export const NOT_BUILT_MESSAGE =
  'The Gridline console is not built here: run `npm run build` (it writes dist/console), then reload.\n';

/** Paths the console never answers: the gateway's API, health, metrics (and the API docs under /api). */
export function isServerPath(pathname: string): boolean {
  return (
    pathname === '/api' ||
    pathname.startsWith('/api/') ||
    pathname === '/health' ||
    pathname.startsWith('/health/') ||
    pathname === '/metrics' ||
    pathname.startsWith('/metrics/')
  );
}

type Next = (error?: unknown) => void;

/**
 * Connect-style middleware serving the console from `dir`. Registered before the
 * gateway's routes; anything it does not serve goes on to them. Never throws: a
 * missing build answers 503 with what to do.
 */
export function consoleMiddleware(dir: string, signIn: ConsoleSignIn) {
  const root = path.resolve(dir);
  const headers = { ...SECURITY_HEADERS, 'content-security-policy': consoleCsp(signIn) };
  const config = JSON.stringify(signIn);
  return (request: IncomingMessage, response: ServerResponse, next: Next): void => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return next();
    const pathname = pathOf(request.url);
    if (pathname === undefined) return next();
    if (isServerPath(pathname)) return next();
    for (const [name, value] of Object.entries(headers)) response.setHeader(name, value);
    if (pathname === CONSOLE_CONFIG_PATH) {
      response.statusCode = 200;
      response.setHeader('content-type', 'application/json; charset=utf-8');
      response.setHeader('cache-control', 'no-store');
      response.end(request.method === 'HEAD' ? undefined : config);
      return;
    }
    serve(root, pathname, request, response).catch(next);
  };
}

async function serve(
  root: string,
  pathname: string,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  const index = path.join(root, 'index.html');
  const file = pathname === '/' ? index : inside(root, pathname);
  if (file && (await isFile(file)))
    return send(request, response, file, file === index ? REVALIDATE : cacheFor(root, file));
  const route = pathname === '/' || (path.posix.extname(pathname) === '' && acceptsHtml(request));
  // A file that is not there (an old asset, a typo) is a 404, never the page.
  if (!route) return plain(response, request, 404, 'Not Found\n');
  if (!(await isFile(index))) return plain(response, request, 503, NOT_BUILT_MESSAGE);
  // One of the console's own routes: the page, which routes itself.
  return send(request, response, index, REVALIDATE);
}

async function send(
  request: IncomingMessage,
  response: ServerResponse,
  file: string,
  cacheControl: string,
): Promise<void> {
  const { size, mtimeMs } = await stat(file);
  // A weak validator, so `no-cache` revalidates index.html with a 304 when unchanged.
  const etag = `W/"${size.toString(16)}-${Math.floor(mtimeMs).toString(16)}"`;
  response.statusCode = 200;
  response.setHeader(
    'content-type',
    CONTENT_TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream',
  );
  response.setHeader('cache-control', cacheControl);
  response.setHeader('etag', etag);
  if (request.headers['if-none-match'] === etag) {
    response.statusCode = 304;
    response.end();
    return;
  }
  response.setHeader('content-length', size);
  if (request.method === 'HEAD') {
    response.end();
    return;
  }
  await new Promise<void>((resolve, reject) => {
    const stream = createReadStream(file);
    stream.once('error', reject);
    response.once('close', () => {
      stream.destroy();
      resolve();
    });
    stream.pipe(response);
  });
}

function plain(
  response: ServerResponse,
  request: IncomingMessage,
  status: number,
  text: string,
): void {
  response.statusCode = status;
  response.setHeader('content-type', 'text/plain; charset=utf-8');
  response.setHeader('cache-control', 'no-store');
  response.end(request.method === 'HEAD' ? undefined : text);
}

function cacheFor(root: string, file: string): string {
  const relative = path.relative(root, file).split(path.sep);
  return relative[0] === 'assets' && relative.length > 1 ? IMMUTABLE : SHORT;
}

/** The request's path, decoded; undefined when it cannot be (bad escapes, NUL). */
function pathOf(url: string | undefined): string | undefined {
  try {
    const pathname = decodeURIComponent(new URL(url ?? '/', 'http://console').pathname);
    return pathname.includes('\0') ? undefined : pathname;
  } catch {
    return undefined;
  }
}

/** The file a path names inside `root`, or undefined when it would leave it. */
function inside(root: string, pathname: string): string | undefined {
  const file = path.resolve(root, `.${path.posix.normalize(pathname)}`);
  return file.startsWith(root + path.sep) ? file : undefined;
}

async function isFile(file: string): Promise<boolean> {
  try {
    return (await stat(file)).isFile();
  } catch {
    return false;
  }
}

function acceptsHtml(request: IncomingMessage): boolean {
  const accept = request.headers.accept ?? '';
  return accept.includes('text/html');
}

/** runService's `configure` hook: the console before the gateway's routes. */
export function mountConsole(
  app: INestApplication,
  config: ServiceConfig,
  logger: JsonLogger,
): void {
  const dir = path.resolve(config.CONSOLE_DIR || BUILT_CONSOLE_DIR);
  if (existsSync(path.join(dir, 'index.html'))) logger.info('console served at /', { dir });
  else logger.warn('console not built: / answers 503 until `npm run build`', { dir });
  const own = loadConfig(consoleSettings);
  const issuer = own.CONSOLE_OIDC_ISSUER || config.JWT_ISSUER;
  const accountsUrl = own.CONSOLE_ACCOUNTS_URL || keycloakAccountsUrl(issuer);
  const signIn = {
    issuer,
    clientId: own.CONSOLE_OIDC_CLIENT_ID,
    ...(accountsUrl ? { accountsUrl } : {}),
  };
  logger.info('console signs in at the identity provider', signIn);
  app.use(consoleMiddleware(dir, signIn));
}
