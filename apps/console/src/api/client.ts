// The HTTP client: every call sends the bearer token and turns a refusal into
// an ApiError carrying the gateway's own message. A 401 from any call signs the
// user out (onUnauthorized), with that message as the reason.
import { accessToken } from './oidc';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly problems: readonly { field?: string; parameter?: string; message: string }[] = [],
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

type UnauthorizedListener = (reason: string) => void;
let onUnauthorized: UnauthorizedListener = () => undefined;

/** The app registers what to do when the gateway refuses the token. */
export function setUnauthorizedHandler(listener: UnauthorizedListener): void {
  onUnauthorized = listener;
}

export function reportUnauthorized(reason: string): void {
  onUnauthorized(reason);
}

/** The gateway's message from an error body (`{ message, problems }` from NestJS). */
export async function errorFrom(response: Response): Promise<ApiError> {
  let message = `${response.status} ${response.statusText}`.trim();
  let problems: ApiError['problems'] = [];
  try {
    const text = await response.text();
    try {
      const body = JSON.parse(text) as { message?: unknown; problems?: unknown };
      if (typeof body.message === 'string') message = body.message;
      else if (Array.isArray(body.message)) message = body.message.join('; ');
      if (Array.isArray(body.problems)) problems = body.problems as ApiError['problems'];
    } catch {
      if (text.trim()) message = text.trim().slice(0, 300);
    }
  } catch {
    // no body
  }
  if (problems.length > 0)
    message = `${message}: ${problems.map((p) => `${p.field ?? p.parameter ?? ''} ${p.message}`.trim()).join('; ')}`;
  return new ApiError(response.status, message, problems);
}

export interface RequestOptions {
  readonly method?: 'GET' | 'POST';
  readonly query?: Record<string, string | undefined>;
  readonly signal?: AbortSignal;
  /** Use this token instead of the stored one (sign-in checks a token before keeping it). */
  readonly token?: string;
  /** Do not sign out on 401 (sign-in shows the refusal itself). */
  readonly quiet401?: boolean;
}

export function withQuery(path: string, query: Record<string, string | undefined> = {}): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query))
    if (value !== undefined && value !== '') params.set(key, value);
  const text = params.toString();
  return text ? `${path}?${text}` : path;
}

/** One request to the gateway; the raw Response when it succeeded (refusals as in authorisedFetch). */
export function request(path: string, options: RequestOptions = {}): Promise<Response> {
  return authorisedFetch(options)(
    new Request(withQuery(path, options.query), {
      method: options.method ?? 'GET',
      ...(options.signal ? { signal: options.signal } : {}),
    }),
  );
}

/**
 * The fetch of the generated clients (openapi-fetch, ./gateway.ts): the bearer
 * token on the request, and a refusal thrown as ApiError with the gateway's
 * message before the client reads the body; a 401 signs out unless `quiet401`.
 */
export function authorisedFetch(
  options: Pick<RequestOptions, 'token' | 'quiet401'> = {},
): (input: Request) => Promise<Response> {
  return async (input) => {
    const token = options.token ?? accessToken();
    const headers = new Headers(input.headers);
    headers.set('accept', 'application/json');
    if (token) headers.set('authorization', `Bearer ${token}`);
    let response: Response;
    try {
      response = await fetch(new Request(input, { headers }));
    } catch (error) {
      if ((error as Error).name === 'AbortError') throw error;
      throw new ApiError(0, (error as Error).message || 'network error');
    }
    if (!response.ok) {
      const error = await errorFrom(response);
      if (response.status === 401 && !options.quiet401) reportUnauthorized(error.message);
      throw error;
    }
    return response;
  };
}

export async function getJson<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const response = await request(path, options);
  return (await response.json()) as T;
}
