import { useState } from 'preact/hooks';
import { api, describe } from '../../api/client';
import type { Attachment } from '../../api/types';
import { bytes } from '../../format';

/** A file of a message: its name downloads it. */
export function AttachmentItem({ a }: { a: Attachment }) {
  const [error, setError] = useState<string | null>(null);
  const download = async () => {
    setError(null);
    try {
      // A short-lived URL; the file comes as a download, so the page stays.
      const link = await api.attachment(a.id);
      window.location.assign(link.url);
    } catch (e) {
      setError(describe(e));
    }
  };
  return (
    <li>
      <button type="button" class="link" onClick={() => void download()} aria-label={`Download ${a.filename}`}>
        {a.filename}
      </button>{' '}
      <span class="muted">
        {a.contentType} · {bytes(a.size)}
      </span>
      {error && (
        <span role="alert" class="error">
          {' '}
          {error}
        </span>
      )}
    </li>
  );
}
