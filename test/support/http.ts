/** A small JSON client for end-to-end tests: status and parsed body, never throws on 4xx. */
export interface JsonResponse<T = unknown> {
  readonly status: number;
  readonly body: T;
  readonly headers: Headers;
}

export function client(baseUrl: string, token: string) {
  const call = async <T>(
    method: string,
    path: string,
    body?: unknown,
    headers = {},
  ): Promise<JsonResponse<T>> => {
    const response = await fetch(`${baseUrl}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...headers,
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    return {
      status: response.status,
      body: (text ? JSON.parse(text) : undefined) as T,
      headers: response.headers,
    };
  };
  /** A body that is not JSON (NDJSON exports): status and text. */
  const text = async (method: string, path: string, body?: string, contentType?: string) => {
    const response = await fetch(`${baseUrl}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(contentType ? { 'content-type': contentType } : {}),
      },
      ...(body === undefined ? {} : { body }),
    });
    return { status: response.status, text: await response.text(), headers: response.headers };
  };
  /** Raw bytes (evidence files): status, the bytes, and the JSON of a refusal. */
  const bytes = async (method: string, path: string, body?: Buffer, headers = {}) => {
    const response = await fetch(`${baseUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...headers },
      ...(body === undefined ? {} : { body }),
    });
    const raw = Buffer.from(await response.arrayBuffer());
    const json = (response.headers.get('content-type') ?? '').includes('json')
      ? (JSON.parse(raw.toString('utf8')) as Record<string, unknown>)
      : undefined;
    return { status: response.status, bytes: raw, json, headers: response.headers };
  };
  return {
    getBytes: (path: string) => bytes('GET', path),
    postBytes: (path: string, body: Buffer, headers: Record<string, string> = {}) =>
      bytes('POST', path, body, headers),
    getText: (path: string) => text('GET', path),
    postText: (path: string, body: string, contentType: string) =>
      text('POST', path, body, contentType),
    get: <T = Record<string, unknown>>(path: string, headers: Record<string, string> = {}) =>
      call<T>('GET', path, undefined, headers),
    post: <T = Record<string, unknown>>(path: string, body: unknown = {}, headers = {}) =>
      call<T>('POST', path, body, headers),
  };
}
