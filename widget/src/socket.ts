// The live connection: a WebSocket opened with a single-use connect ticket (the session
// token never goes in a URL), reconnected with exponential backoff and jitter.

import { ApiError } from './api';
import { backoff, nextRetry } from './rules';

/** A frame the server pushes. */
export interface Frame {
  event?: string;
  data?: Record<string, unknown>;
}

export interface LiveHooks {
  /** The session the socket is for (null: none, do not connect). */
  session(): unknown;
  /** The WebSocket API's URL. */
  url(): Promise<string>;
  /** A connect ticket for the current session. */
  ticket(): Promise<string>;
  /** A connect attempt starts. */
  connecting(): void;
  /** `socket` opened (it is in the chat's room now). */
  opened(socket: WebSocket): void;
  frame(f: Frame): void;
  /** The socket closed or could not open; a reconnect is scheduled. */
  lost(): void;
  /** The session was refused (401). */
  refused(): void;
}

export class Live {
  private ws: WebSocket | null = null;
  private connecting = false;
  private retry = 0;
  private timer = 0;

  constructor(private readonly hooks: LiveHooks) {}

  /** Whether a socket exists (open or opening). */
  get active() {
    return this.ws !== null;
  }

  /** Whether the socket is open. */
  isOpen(): boolean {
    return this.ws?.readyState === WebSocket.OPEN;
  }

  send(frame: unknown): boolean {
    if (!this.isOpen()) return false;
    this.ws?.send(JSON.stringify(frame));
    return true;
  }

  async connect(): Promise<void> {
    const session = this.hooks.session();
    if (!session || this.ws || this.connecting) return;
    clearTimeout(this.timer);
    this.hooks.connecting();
    let socket: WebSocket;
    this.connecting = true;
    try {
      const url = await this.hooks.url();
      const ticket = await this.hooks.ticket();
      if (this.hooks.session() !== session || this.ws) {
        // Another session was adopted meanwhile: connect that one (once this call is done).
        if (!this.ws) setTimeout(() => this.connect());
        return;
      }
      socket = new WebSocket(`${url.replace(/\/$/, '')}/?ticket=${encodeURIComponent(ticket)}`);
    } catch (e) {
      if (e instanceof ApiError && e.status === 401) return this.hooks.refused();
      return this.reconnect();
    } finally {
      this.connecting = false;
    }
    this.ws = socket;
    socket.onopen = () => {
      this.retry = 0;
      this.hooks.opened(socket);
    };
    socket.onmessage = (ev) => {
      let f: Frame;
      try {
        f = JSON.parse(ev.data);
      } catch {
        return;
      }
      this.hooks.frame(f);
    };
    socket.onclose = () => {
      if (this.ws === socket) {
        this.ws = null;
        this.reconnect();
      }
    };
  }

  /** Whether `socket` is still the current socket and open (after an await). */
  isCurrent(socket: WebSocket): boolean {
    return this.ws === socket && socket.readyState === WebSocket.OPEN;
  }

  private reconnect() {
    if (!this.hooks.session()) return;
    this.hooks.lost();
    clearTimeout(this.timer);
    const delay = backoff(this.retry, Math.random());
    this.retry = nextRetry(this.retry);
    this.timer = window.setTimeout(() => this.connect(), delay);
  }

  /** Closes the socket and stops reconnecting (the session was forgotten). */
  close() {
    this.ws?.close();
    this.ws = null;
    clearTimeout(this.timer);
  }
}
