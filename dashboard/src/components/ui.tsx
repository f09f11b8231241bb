import { setPageTitle } from '../notifications';
import { cloneElement, isValidElement, type ComponentChildren } from 'preact';
import { useCallback, useEffect, useId, useState } from 'preact/hooks';

/** An error sentence, announced to screen readers. */
export function ErrorText({ error }: { error: string | null | undefined }) {
  if (!error) return null;
  return (
    <p role="alert" class="error">
      {error}
    </p>
  );
}

/** A success or progress sentence. */
export function Notice({ children }: { children?: ComponentChildren }) {
  if (!children) return null;
  return (
    <p role="status" class="notice">
      {children}
    </p>
  );
}

export function Field({
  label,
  hint,
  children,
}: {
  label: string;
  hint?: string;
  children: ComponentChildren;
}) {
  // The hint describes the control (aria-describedby) without joining its name.
  const hintId = useId();
  const control = hint && isValidElement(children) ? cloneElement(children, { 'aria-describedby': hintId }) : children;
  return (
    <div class="field">
      <label class="field">
        <span class="label">{label}</span>
        {control}
      </label>
      {hint && (
        <span class="hint" id={hintId}>
          {hint}
        </span>
      )}
    </div>
  );
}

/** Sets the document title while mounted. */
export function useTitle(title: string) {
  useEffect(() => {
    setPageTitle(title ? `${title} · wrrk` : 'wrrk');
  }, [title]);
}

/** Runs an async action, tracking busy and error state. */
export function useAction() {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  // Stable across renders (it uses only state setters), so effects may depend on it.
  const run = useCallback(async (f: () => Promise<void>, describe: (e: unknown) => string) => {
    setBusy(true);
    setError(null);
    try {
      await f();
    } catch (e) {
      setError(describe(e));
    } finally {
      setBusy(false);
    }
  }, []);
  return { busy, error, setError, run };
}

export function Avatar({ name, url }: { name: string; url?: string | null }) {
  if (url) return <img class="avatar" src={url} alt="" width={28} height={28} />;
  const initials = name
    .split(/\s+/)
    .map((w) => w[0] ?? '')
    .join('')
    .slice(0, 2)
    .toUpperCase();
  return (
    <span class="avatar" aria-hidden="true">
      {initials}
    </span>
  );
}
