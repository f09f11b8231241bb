import { act, renderHook, waitFor } from '@testing-library/preact';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { api } from '../api/client';
import { userNames } from '../state';
import { ticket, TICKET, user } from '../test/fixtures';
import { assigneeChoices, useAssignableUsers, useTicketPatch, withTag } from './useTicketControls';

vi.mock('../api/client', async (orig) => ({
  ...(await orig<typeof import('../api/client')>()),
  api: { users: vi.fn(), updateTicket: vi.fn() },
}));
vi.mock('../live', async () => ({ live: (await import('../test/fakeLive')).fakeLive() }));
const mocked = vi.mocked(api);

const ME = { id: 'u1', name: 'Ana' };
const USERS = [user('u1', 'Ana'), user('u2', 'Ben'), user('u3', 'Cy')];
const choices = (canAssign: boolean, assigneeId: string | null) =>
  assigneeChoices({ canAssign, me: ME, users: USERS, assigneeId, assigneeName: (id) => `name of ${id}` });

describe('assigneeChoices', () => {
  it('offers anyone, and marks me, to whoever may assign', () => {
    const { options, colleagues } = choices(true, null);
    expect(options).toEqual([
      { value: '', label: 'Unassigned' },
      { value: 'u1', label: 'Ana (me)' },
      { value: 'u2', label: 'Ben' },
      { value: 'u3', label: 'Cy' },
    ]);
    expect(colleagues).toBe(false);
  });

  it('lets whoever may assign move a colleague’s ticket', () => {
    const { options, colleagues } = choices(true, 'u2');
    expect(colleagues).toBe(false);
    expect(options.every((o) => !o.disabled)).toBe(true);
  });

  it('offers an agent only unassigned or themselves', () => {
    const { options, colleagues } = choices(false, null);
    expect(options).toEqual([
      { value: '', label: 'Unassigned', disabled: false },
      { value: 'u1', label: 'Ana (me)', disabled: false },
    ]);
    expect(colleagues).toBe(false);
  });

  it("lets an agent give back their own ticket", () => {
    const { options, colleagues } = choices(false, 'u1');
    expect(colleagues).toBe(false);
    expect(options.find((o) => o.value === '')!.disabled).toBe(false);
  });

  it("locks a colleague's ticket for an agent, still showing who has it", () => {
    const { options, colleagues } = choices(false, 'u2');
    expect(colleagues).toBe(true);
    expect(options).toEqual([
      { value: '', label: 'Unassigned', disabled: true },
      { value: 'u1', label: 'Ana (me)', disabled: true },
      { value: 'u2', label: 'name of u2', disabled: true },
    ]);
  });

  it('lists a current assignee who is not among the active users (deactivated)', () => {
    const { options } = choices(true, 'u9');
    expect(options.at(-1)).toEqual({ value: 'u9', label: 'name of u9', disabled: false });
  });
});

describe('withTag', () => {
  it.each([
    [[], 'vip', ['vip']],
    [['vip'], 'Refund', ['vip', 'refund']],
    [['vip'], '  spaced  ', ['vip', 'spaced']],
    [['vip'], 'VIP', null],
    [['vip'], '   ', null],
    [[], '', null],
  ])('%j + %j → %j', (tags, typed, next) => {
    expect(withTag(tags, typed)).toEqual(next);
  });
});

describe('useAssignableUsers', () => {
  beforeEach(() => {
    mocked.users.mockReset();
  });

  it('loads the active users and remembers every name', async () => {
    mocked.users.mockResolvedValue({ data: [user('u1', 'Ana'), user('u4', 'Dee', { active: false })], nextCursor: null } as never);
    const { result } = renderHook(() => useAssignableUsers(true));
    await waitFor(() => expect(result.current.map((u) => u.id)).toEqual(['u1']));
    expect(userNames.value.get('u4')).toBe('Dee');
  });

  it('loads nothing for an agent who may not assign', async () => {
    const { result } = renderHook(() => useAssignableUsers(false));
    await act(async () => undefined);
    expect(mocked.users).not.toHaveBeenCalled();
    expect(result.current).toEqual([]);
  });

  it('stays empty when the users fail to load', async () => {
    mocked.users.mockRejectedValue(new Error('offline'));
    const { result } = renderHook(() => useAssignableUsers(true));
    await act(async () => undefined);
    expect(result.current).toEqual([]);
  });
});

describe('useTicketPatch', () => {
  beforeEach(() => {
    mocked.updateTicket.mockReset();
  });

  it('saves a change and hands on the saved ticket', async () => {
    const saved = ticket({ status: 'PENDING' });
    mocked.updateTicket.mockResolvedValue(saved);
    const onChange = vi.fn();
    const { result } = renderHook(() => useTicketPatch(TICKET, onChange));
    await act(() => result.current.patch({ status: 'PENDING' }));
    expect(mocked.updateTicket).toHaveBeenCalledWith(TICKET, { status: 'PENDING' });
    expect(onChange).toHaveBeenCalledWith(saved);
    expect(result.current.saving).toBe(false);
    expect(result.current.error).toBeNull();
  });

  it('shows why a change was refused and keeps the ticket', async () => {
    mocked.updateTicket.mockRejectedValue(new Error('You may not assign this ticket.'));
    const onChange = vi.fn();
    const { result } = renderHook(() => useTicketPatch(TICKET, onChange));
    await act(() => result.current.patch({ assigneeId: 'u2' }));
    expect(result.current.error).toBe('You may not assign this ticket.');
    expect(onChange).not.toHaveBeenCalled();
    expect(result.current.saving).toBe(false);
  });

  it('clears the last error on the next change', async () => {
    mocked.updateTicket.mockRejectedValueOnce(new Error('no')).mockResolvedValueOnce(ticket());
    const { result } = renderHook(() => useTicketPatch(TICKET, vi.fn()));
    await act(() => result.current.patch({ priority: 'HIGH' }));
    await act(() => result.current.patch({ priority: 'LOW' }));
    expect(result.current.error).toBeNull();
  });
});
