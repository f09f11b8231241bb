// The widget API client: JSON over fetch, the session token in `Authorization` (never in a
// URL), errors as values with status, code and `Retry-After`.

export interface Message {
  id: string;
  authorType: string;
  authorName: string;
  content: string;
  createdAt: string;
  internal?: boolean;
  ticketId?: string;
}

export interface Init {
  organization: { name: string };
  settings: { primaryColor: string; position: string; welcomeMessage: string };
  agentsOnline: boolean;
  askEmail: boolean;
  identityRequired: boolean;
}

export interface SessionData {
  token: string;
  ticketId: string;
  ticketNumber: string;
  name: string;
  hasEmail: boolean;
}

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
    return json.data as T;
  }
}
