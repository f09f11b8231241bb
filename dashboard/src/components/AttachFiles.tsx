// Files for the reply box. "Attach files" opens the file picker; each chosen file uploads at
// once (an upload URL from the API, then a PUT straight to S3) and is listed with its state
// and a remove button. The reply sends the ids of the uploaded files (`attachmentIds`).

import { useEffect, useRef, useState } from 'preact/hooks';
import { api, describe } from '../api/client';
import { MAX_FILE_BYTES, MAX_FILES, MAX_MESSAGE_BYTES } from '../api/types';
import { bytes } from '../format';

export interface ChosenFile {
  /** Local key (a file may be chosen twice). */
  key: number;
  name: string;
  size: number;
  state: 'uploading' | 'ready' | 'failed';
  /** The attachment id, once uploaded. */
  id?: string;
  error?: string;
}

export interface Attachments {
  files: ChosenFile[];
  /** Adds and uploads files; an error sentence when some were refused. */
  add: (list: FileList | File[]) => void;
  remove: (key: number) => void;
  clear: () => void;
  /** Some file is still uploading. */
  uploading: boolean;
  /** Ids of the uploaded files, for `attachmentIds`. */
  ids: string[];
  /** Why the last choice was refused, if it was. */
  error: string | null;
}

let nextKey = 1;

/** The reply box's files for `ticketId` (forgotten when the ticket changes). */
export function useAttachments(ticketId: string): Attachments {
  const [files, setFiles] = useState<ChosenFile[]>([]);
  const [error, setError] = useState<string | null>(null);
  const current = useRef(ticketId);
  useEffect(() => {
    current.current = ticketId;
    setFiles([]);
    setError(null);
  }, [ticketId]);

  const update = (key: number, patch: Partial<ChosenFile>) =>
    setFiles((cur) => cur.map((f) => (f.key === key ? { ...f, ...patch } : f)));

  const add = (list: FileList | File[]) => {
    const chosen = [...list];
    setError(null);
    // The server checks these too; checking here saves uploading what it would refuse.
    const kept = files.filter((f) => f.state !== 'failed');
    let total = kept.reduce((n, f) => n + f.size, 0);
    let count = kept.length;
    const refused: string[] = [];
    const accepted: { file: File; entry: ChosenFile }[] = [];
    for (const file of chosen) {
      if (file.size === 0) refused.push(`${file.name} is empty.`);
      else if (file.size > MAX_FILE_BYTES) refused.push(`${file.name} is larger than ${bytes(MAX_FILE_BYTES)}.`);
      else if (count + 1 > MAX_FILES) refused.push(`At most ${MAX_FILES} files go with one message.`);
      else if (total + file.size > MAX_MESSAGE_BYTES)
        refused.push(`The files of one message may total at most ${bytes(MAX_MESSAGE_BYTES)}.`);
      else {
        count += 1;
        total += file.size;
        accepted.push({ file, entry: { key: nextKey++, name: file.name, size: file.size, state: 'uploading' } });
      }
    }
    if (refused.length) setError([...new Set(refused)].join(' '));
    if (!accepted.length) return;
    setFiles((cur) => [...cur, ...accepted.map((a) => a.entry)]);
    const ticket = ticketId;
    for (const { file, entry } of accepted) {
      api.uploadFile(ticket, file).then(
        (a) => {
          if (current.current === ticket) update(entry.key, { state: 'ready', id: a.id });
        },
        (e) => {
          if (current.current === ticket) update(entry.key, { state: 'failed', error: describe(e) });
        },
      );
    }
  };

  return {
    files,
    add,
    remove: (key) => setFiles((cur) => cur.filter((f) => f.key !== key)),
    clear: () => {
      setFiles([]);
      setError(null);
    },
    uploading: files.some((f) => f.state === 'uploading'),
    ids: files.filter((f) => f.state === 'ready' && f.id).map((f) => f.id!),
    error,
  };
}

/** The "Attach files" button (with its hidden file input). */
export function AttachButton({ attachments, disabled }: { attachments: Attachments; disabled?: boolean }) {
  const input = useRef<HTMLInputElement>(null);
  return (
    <>
      <button type="button" disabled={disabled} onClick={() => input.current?.click()}>
        Attach files
      </button>
      <input
        ref={input}
        type="file"
        multiple
        hidden
        tabIndex={-1}
        aria-hidden="true"
        onChange={(e) => {
          const list = e.currentTarget.files;
          if (list?.length) attachments.add(list);
          // The same file can be chosen again after removing it.
          e.currentTarget.value = '';
        }}
      />
    </>
  );
}

/** The chosen files, each with its state and a remove button. */
export function AttachedList({ attachments }: { attachments: Attachments }) {
  const { files, error } = attachments;
  return (
    <>
      {files.length > 0 && (
        <ul class="attached" aria-label="Files to send">
          {files.map((f) => (
            <li key={f.key} class={`chip file-${f.state}`}>
              <span class="name">{f.name}</span>{' '}
              <span class="muted">
                {bytes(f.size)}
                {f.state === 'uploading' && ' · uploading…'}
              </span>
              {f.state === 'failed' && (
                <span role="alert" class="error">
                  {' '}
                  Not uploaded: {f.error}
                </span>
              )}
              <button type="button" class="icon" aria-label={`Remove ${f.name}`} onClick={() => attachments.remove(f.key)}>
                ×
              </button>
            </li>
          ))}
        </ul>
      )}
      {error && (
        <p role="alert" class="error">
          {error}
        </p>
      )}
    </>
  );
}
