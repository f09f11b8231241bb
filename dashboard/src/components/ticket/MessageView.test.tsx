import { render, screen, within } from '@testing-library/preact';
import { describe, expect, it, vi } from 'vitest';
import type { Attachment, EmailDelivery, Message } from '../../api/types';
import { message } from '../../test/fixtures';
import { DeliveryState } from './DeliveryState';
import { MessageView } from './MessageView';

vi.mock('../../api/client', async (orig) => ({
  ...(await orig<typeof import('../../api/client')>()),
  api: { attachment: vi.fn() },
}));

const file = (id: string, filename: string, inline = false) =>
  ({ id, filename, contentType: 'image/png', size: 2048, inline }) as Attachment;
const email = (over: Record<string, unknown>) => ({ from: 'ana@example.com', ...over }) as Message['email'];

describe('MessageView', () => {
  it("names a customer's message by its author", () => {
    render(<MessageView m={message('01')} />);
    expect(screen.getByRole('article', { name: 'Customer message from Ana Customer' })).toBeTruthy();
  });

  it('names an internal note as such', () => {
    render(<MessageView m={message('01', { internal: true, authorType: 'AGENT', authorName: 'Ben' })} />);
    const note = screen.getByRole('article', { name: 'Internal note from Ben' });
    expect(within(note).getByText('Internal note')).toBeTruthy();
  });

  it('shows a text body as text, markup and all', () => {
    render(<MessageView m={message('01', { content: '<b>not bold</b>' })} />);
    expect(screen.getByText('<b>not bold</b>')).toBeTruthy();
  });

  it('shows mail HTML sanitized', () => {
    const { container } = render(
      <MessageView m={message('html1', { email: email({ html: '<p>Hello <b>there</b></p><script>steal()</script><img src=x onerror=steal()>' }) })} />,
    );
    const body = container.querySelector('.body.html')!;
    expect(body.innerHTML).toBe('<p>Hello <b>there</b></p>');
  });

  it('lists the files, but not the inline images', () => {
    render(<MessageView m={message('02', { email: email({ attachments: [file('a1', 'invoice.pdf'), file('a2', 'logo.png', true)] }) })} />);
    const list = screen.getByRole('list', { name: 'Attachments' });
    expect(within(list).getByRole('button', { name: 'Download invoice.pdf' })).toBeTruthy();
    expect(within(list).queryByRole('button', { name: 'Download logo.png' })).toBeNull();
  });

  it('shows who was copied', () => {
    render(<MessageView m={message('03', { email: email({ cc: ['a@x.com', 'b@x.com'], bcc: ['c@x.com'] }) })} />);
    expect(screen.getByText('Cc: a@x.com, b@x.com')).toBeTruthy();
    expect(screen.getByText('Bcc: c@x.com')).toBeTruthy();
  });

  it.each([
    ['AUTO_REPLY', 'Auto-reply'],
    ['BOUNCE', 'Bounced'],
  ])('marks a %s', (kind, tag) => {
    render(<MessageView m={message('04', { email: email({ kind }) })} />);
    expect(screen.getByText(tag)).toBeTruthy();
  });
});

describe('DeliveryState', () => {
  const d = (over: Partial<EmailDelivery>) => ({ state: 'sent', ...over }) as EmailDelivery;

  it.each([
    ['sent', 'Sent'],
    ['sending', 'Sending…'],
  ] as const)('%s reads %j', (state, text) => {
    render(<DeliveryState d={d({ state })} />);
    expect(screen.getByText(text)).toBeTruthy();
  });

  it("shows a short failure's reason whole", () => {
    const { container } = render(<DeliveryState d={d({ state: 'failed', error: 'Mailbox full' })} />);
    expect(container.textContent).toContain('Failed: Mailbox full');
    expect(container.querySelector('details')).toBeNull();
  });

  it('says the mail service refused when no reason was given', () => {
    const { container } = render(<DeliveryState d={d({ state: 'failed', error: null })} />);
    expect(container.textContent).toContain('Failed: the mail service refused it');
  });

  it("shortens a long reason inline and keeps the whole on request", () => {
    const reason = 'x'.repeat(200);
    const { container } = render(<DeliveryState d={d({ state: 'failed', error: reason })} />);
    expect(container.querySelector('p')!.textContent).toContain(`Failed: ${'x'.repeat(120)}…`);
    expect(container.querySelector('details pre')!.textContent).toBe(reason);
  });
});
