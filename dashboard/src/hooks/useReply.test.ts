import { act, renderHook } from '@testing-library/preact';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { api, ApiError } from '../api/client';
import type { Attachments } from '../components/AttachFiles';
import { deferred, message, TICKET } from '../test/fixtures';
import type { Draft } from './useDraft';
import { addresses, replyProblem, replyRequest, useReply } from './useReply';

vi.mock('../api/client', async (orig) => ({
  ...(await orig<typeof import('../api/client')>()),
  api: { sendMessage: vi.fn() },
}));
const sendMessage = vi.mocked(api.sendMessage);

describe('addresses', () => {
  it.each([
    ['', []],
    ['a@x.com', ['a@x.com']],
    ['a@x.com, b@x.com', ['a@x.com', 'b@x.com']],
    ['a@x.com;b@x.com', ['a@x.com', 'b@x.com']],
    ['a@x.com b@x.com\nc@x.com', ['a@x.com', 'b@x.com', 'c@x.com']],
    [' , ;a@x.com,, ', ['a@x.com']],
  ])('%j → %j', (raw, list) => {
    expect(addresses(raw)).toEqual(list);
  });
});

describe('replyProblem', () => {
  it.each([
    [{ text: '', internal: false, uploading: false }, 'Write a reply first.'],
    [{ text: '  \n ', internal: false, uploading: false }, 'Write a reply first.'],
    [{ text: '', internal: true, uploading: false }, 'Write a note first.'],
    [{ text: 'Hi', internal: false, uploading: true }, 'Wait until the files have uploaded.'],
    [{ text: '', internal: false, uploading: true }, 'Write a reply first.'],
    [{ text: 'Hi', internal: false, uploading: false }, null],
  ])('%j → %j', (r, problem) => {
    expect(replyProblem(r)).toBe(problem);
  });
});

describe('replyRequest', () => {
  const base = { text: 'Hello', internal: false, email: true, cc: '', bcc: '', attachmentIds: [] as string[] };

  it('sends only the text and the note flag when nothing else is set', () => {
    expect(replyRequest(base)).toEqual({ content: 'Hello', internal: false });
  });

  it('sends the text as typed (not trimmed)', () => {
    expect(replyRequest({ ...base, text: '  Hello\n' }).content).toBe('  Hello\n');
  });

  it('adds the uploaded files', () => {
    expect(replyRequest({ ...base, attachmentIds: ['f1', 'f2'] }).attachmentIds).toEqual(['f1', 'f2']);
  });

  it('adds copies on an emailed reply', () => {
    const r = replyRequest({ ...base, cc: 'a@x.com, b@x.com', bcc: 'c@x.com' });
    expect(r.cc).toEqual(['a@x.com', 'b@x.com']);
    expect(r.bcc).toEqual(['c@x.com']);
  });

  it('never copies an internal note', () => {
    const r = replyRequest({ ...base, internal: true, cc: 'a@x.com', bcc: 'c@x.com' });
    expect(r).toEqual({ content: 'Hello', internal: true });
  });

  it('never copies a chat reply', () => {
    const r = replyRequest({ ...base, email: false, cc: 'a@x.com' });
    expect(r).not.toHaveProperty('cc');
  });

  it('leaves out an empty copy list', () => {
    const r = replyRequest({ ...base, cc: ' , ', bcc: 'c@x.com' });
    expect(r).not.toHaveProperty('cc');
    expect(r.bcc).toEqual(['c@x.com']);
  });
});

function setup(over: { text?: string; uploading?: boolean; ids?: string[]; email?: boolean } = {}) {
  const draft: Draft = { text: over.text ?? 'Hello', set: vi.fn(), clear: vi.fn() };
  const attachments = {
    files: [],
    add: vi.fn(),
    remove: vi.fn(),
    clear: vi.fn(),
    uploading: over.uploading ?? false,
    ids: over.ids ?? [],
    error: null,
  } satisfies Attachments;
  const onStart = vi.fn();
  const onSent = vi.fn();
  const hook = renderHook(() =>
    useReply({ ticketId: TICKET, email: over.email ?? true, draft, attachments, onStart, onSent }),
  );
  return { draft, attachments, onStart, onSent, ...hook };
}

describe('useReply', () => {
  beforeEach(() => {
    sendMessage.mockReset();
  });

  it('sends the reply, then clears the draft, copies and files and reports the message', async () => {
    const sent = message('01');
    sendMessage.mockResolvedValue(sent);
    const { result, draft, attachments, onStart, onSent } = setup({ ids: ['f1'] });
    act(() => {
      result.current.setShowCopies(true);
      result.current.setCc('a@x.com');
    });
    await act(() => result.current.send());
    expect(sendMessage).toHaveBeenCalledWith(TICKET, { content: 'Hello', internal: false, attachmentIds: ['f1'], cc: ['a@x.com'] });
    expect(onStart).toHaveBeenCalledOnce();
    expect(draft.clear).toHaveBeenCalledOnce();
    expect(attachments.clear).toHaveBeenCalledOnce();
    expect(onSent).toHaveBeenCalledWith(sent);
    expect(result.current.cc).toBe('');
    expect(result.current.showCopies).toBe(false);
    expect(result.current.error).toBeNull();
    expect(result.current.busy).toBe(false);
  });

  it('sends a note when the note box is ticked', async () => {
    sendMessage.mockResolvedValue(message('01', { internal: true }));
    const { result } = setup();
    act(() => result.current.setInternal(true));
    await act(() => result.current.send());
    expect(sendMessage).toHaveBeenCalledWith(TICKET, { content: 'Hello', internal: true });
  });

  it('refuses an empty reply without calling the API', async () => {
    const { result, onStart } = setup({ text: ' ' });
    await act(() => result.current.send());
    expect(result.current.error).toBe('Write a reply first.');
    expect(sendMessage).not.toHaveBeenCalled();
    expect(onStart).not.toHaveBeenCalled();
  });

  it('waits for uploads to finish', async () => {
    const { result } = setup({ uploading: true });
    await act(() => result.current.send());
    expect(result.current.error).toBe('Wait until the files have uploaded.');
    expect(sendMessage).not.toHaveBeenCalled();
  });

  it("keeps the text when sending fails, and shows the server's sentence", async () => {
    sendMessage.mockRejectedValue(new ApiError(409, 'conflict' as never, 'The ticket is closed.'));
    const { result, draft, attachments, onSent } = setup();
    await act(() => result.current.send());
    expect(result.current.error).toBe('The ticket is closed.');
    expect(draft.clear).not.toHaveBeenCalled();
    expect(attachments.clear).not.toHaveBeenCalled();
    expect(onSent).not.toHaveBeenCalled();
    expect(result.current.busy).toBe(false);
  });

  it('is busy while sending and ignores a second send meanwhile', async () => {
    const answer = deferred<ReturnType<typeof message>>();
    sendMessage.mockReturnValue(answer.promise);
    const { result } = setup();
    let first: Promise<void> = Promise.resolve();
    act(() => {
      first = result.current.send();
    });
    expect(result.current.busy).toBe(true);
    await act(() => result.current.send());
    expect(sendMessage).toHaveBeenCalledOnce();
    await act(async () => {
      answer.resolve(message('01'));
      await first;
    });
    expect(result.current.busy).toBe(false);
  });

  it('stops the form from submitting the page', async () => {
    sendMessage.mockResolvedValue(message('01'));
    const { result } = setup();
    const e = new Event('submit', { cancelable: true });
    await act(() => result.current.send(e));
    expect(e.defaultPrevented).toBe(true);
  });
});
