// The widget API client: JSON over fetch, the session token in `Authorization` (never in a
// URL), errors as values with status, code and `Retry-After`.

// The wire types come from the API's OpenAPI document (`openapi.json`, generated from the
// Rust handlers), turned into TypeScript at build time (`npm run gen:api`).
import type { components } from './openapi.gen';

type Schemas = components['schemas'];

/** A message as the visitor sees it (REST, and `message:new` over the socket). */
export type Message = Schemas['VisitorMessage'] & {
  /** Present on socket events; internal notes never reach a visitor. */
  internal?: boolean;
  ticketId?: string;
};

/** `POST /api/widget/init`. */
export type Init = Schemas['WidgetInit'];

/** `POST /api/widget/sessions`. */
export type SessionData = Schemas['WidgetSession'];

export class ApiError extends Error {
  constructor(
    public status: number,
    public code: string,
    message: string,
    public retryAfter = 0,
  ) {
    super(message);
  }
}

export class Api {
  constructor(private base: string) {}

  async call<T>(method: string, path: string, token?: string, body?: unknown): Promise<T> {
    return (await this.json<{ data: T }>(method, path, token, body)).data;
  }

  /** The whole answer (`data` and, for lists, `nextCursor`). */
  async json<T>(method: string, path: string, token?: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = { Accept: 'application/json' };
    if (token) headers.Authorization = `Bearer ${token}`;
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    let res: Response;
    try {
      res = await fetch(this.base + path, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        credentials: 'omit',
        mode: 'cors',
      });
    } catch {
      throw new ApiError(0, 'network', 'network');
    }
    const json = await res.json().catch(() => ({}));
    if (!res.ok) {
      throw new ApiError(
        res.status,
        json.code || 'error',
        json.error || res.statusText,
        Number(res.headers.get('Retry-After')) || 0,
      );
    }
    return json as T;
  }
}
