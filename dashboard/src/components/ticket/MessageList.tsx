import { Component } from 'preact';
import type { Message } from '../../api/types';
import { MessageView } from './MessageView';

/** Re-renders only when its message object changes (long threads stay cheap to update). */
class MessageItem extends Component<{ m: Message }> {
  shouldComponentUpdate(next: { m: Message }) {
    return next.m !== this.props.m;
  }
  render() {
    return <MessageView m={this.props.m} />;
  }
}

/** The conversation, oldest first. */
export function MessageList({ messages, loading }: { messages: Message[]; loading: boolean }) {
  return (
    <section class="thread" aria-label="Conversation" aria-busy={loading}>
      {messages.map((m) => (
        <MessageItem key={m.id} m={m} />
      ))}
      {messages.length === 0 && !loading && <p class="muted">No messages yet.</p>}
      {loading && <p role="status">Loading messages…</p>}
    </section>
  );
}
