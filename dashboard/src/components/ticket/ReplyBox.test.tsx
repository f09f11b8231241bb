import { fireEvent, render, screen, waitFor } from '@testing-library/preact';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { api } from '../../api/client';
import { draftKey } from '../../hooks/useDraft';
import { live as realLive } from '../../live';
import type { FakeLive } from '../../test/fakeLive';
import { message, TICKET } from '../../test/fixtures';
import { ReplyBox } from './ReplyBox';

vi.mock('../../api/client', async (orig) => ({
  ...(await orig<typeof import('../../api/client')>()),
  api: { sendMessage: vi.fn(), savedReplies: vi.fn(), renderSavedReply: vi.fn() },
}));
vi.mock('../../live', async () => ({ live: (await import('../../test/fakeLive')).fakeLive() }));
const live = realLive as unknown as FakeLive;
const sendMessage = vi.mocked(api.sendMessage);

const type = (el: HTMLElement, value: string) => fireEvent.input(el, { target: { value } });

describe('ReplyBox', () => {
  beforeEach(() => {
    live.reset();
    localStorage.clear();
    sendMessage.mockReset();
  });

  it('keeps what is typed as the ticket’s draft and tells colleagues', () => {
    render(<ReplyBox ticketId={TICKET} email={false} onSent={vi.fn()} />);
    type(screen.getByRole('textbox', { name: 'Reply to customer' }), 'Hello');
    expect(localStorage.getItem(draftKey(TICKET))).toBe('Hello');
    expect(live.sent).toEqual([{ action: 'typing:start', ticketId: TICKET }]);
  });

  it('starts from the stored draft', () => {
    localStorage.setItem(draftKey(TICKET), 'Half a reply');
    render(<ReplyBox ticketId={TICKET} email={false} onSent={vi.fn()} />);
    expect((screen.getByRole('textbox', { name: 'Reply to customer' }) as HTMLTextAreaElement).value).toBe('Half a reply');
  });

  it('sends with Ctrl+Enter, then empties the box and the draft', async () => {
    const sent = message('01');
    sendMessage.mockResolvedValue(sent);
    const onSent = vi.fn();
    render(<ReplyBox ticketId={TICKET} email={false} onSent={onSent} />);
    const box = screen.getByRole('textbox', { name: 'Reply to customer' });
    type(box, 'Hello');
    fireEvent.keyDown(box, { key: 'Enter', ctrlKey: true });
    await waitFor(() => expect(onSent).toHaveBeenCalledWith(sent));
    expect(sendMessage).toHaveBeenCalledWith(TICKET, { content: 'Hello', internal: false });
    expect((box as HTMLTextAreaElement).value).toBe('');
    expect(localStorage.getItem(draftKey(TICKET))).toBeNull();
    expect(live.sent.at(-1)).toEqual({ action: 'typing:stop', ticketId: TICKET });
  });

  it('turns into a note box, which sends a note', async () => {
    sendMessage.mockResolvedValue(message('01', { internal: true }));
    render(<ReplyBox ticketId={TICKET} email={true} onSent={vi.fn()} />);
    fireEvent.click(screen.getByRole('checkbox', { name: 'Internal note' }));
    const box = screen.getByRole('textbox', { name: 'Internal note' });
    expect(screen.queryByRole('button', { name: 'Cc/Bcc' })).toBeNull();
    type(box, 'Called them');
    fireEvent.click(screen.getByRole('button', { name: 'Add note' }));
    await waitFor(() => expect(sendMessage).toHaveBeenCalledWith(TICKET, { content: 'Called them', internal: true }));
  });

  it('offers Cc and Bcc on an email ticket only', () => {
    const { unmount } = render(<ReplyBox ticketId={TICKET} email={false} onSent={vi.fn()} />);
    expect(screen.queryByRole('button', { name: 'Cc/Bcc' })).toBeNull();
    unmount();
    render(<ReplyBox ticketId={TICKET} email={true} onSent={vi.fn()} />);
    fireEvent.click(screen.getByRole('button', { name: 'Cc/Bcc' }));
    expect(screen.getByRole('textbox', { name: 'Cc' })).toBeTruthy();
    expect(screen.getByRole('textbox', { name: 'Bcc' })).toBeTruthy();
  });

  it('says what is missing instead of sending an empty reply', async () => {
    render(<ReplyBox ticketId={TICKET} email={false} onSent={vi.fn()} />);
    fireEvent.click(screen.getByRole('button', { name: 'Send reply' }));
    expect((await screen.findByRole('alert')).textContent).toBe('Write a reply first.');
    expect(sendMessage).not.toHaveBeenCalled();
  });
});
