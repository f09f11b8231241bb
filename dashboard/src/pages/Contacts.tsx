// Contacts: the organization's customers, searched by name, email or phone; one contact's
// details (edited conditionally on the version read), all their conversations, and merging
// a duplicate into them.

import { useCallback, useEffect, useState } from 'preact/hooks';
import { api, describe } from '../api/client';
import { ticketNumber, type Customer, type TicketSummary } from '../api/types';
import { Link, navigate } from '../router';
import { ErrorText, Field, Notice, useAction, useTitle } from '../components/ui';
import { titleCase, when } from '../format';

export function Contacts() {
  useTitle('Contacts');
  const [search, setSearch] = useState('');
  const [rows, setRows] = useState<Customer[] | null>(null);
  const [next, setNext] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    const timer = setTimeout(() => {
      api.customers({ search: search.trim() || undefined, limit: 25 }).then(
        (p) => {
          if (!live) return;
          setRows(p.data);
          setNext(p.nextCursor ?? null);
          setError(null);
        },
        (e) => live && setError(describe(e)),
      );
    }, 150);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [search]);
  const more = () =>
    api.customers({ search: search.trim() || undefined, limit: 25, cursor: next }).then(
      (p) => {
        setRows([...(rows ?? []), ...p.data]);
        setNext(p.nextCursor ?? null);
      },
      (e) => setError(describe(e)),
    );
  return (
    <>
      <h1 tabIndex={-1}>Contacts</h1>
      <Field label="Search contacts" hint="Name, email or phone">
        <input type="search" value={search} onInput={(e) => setSearch(e.currentTarget.value)} />
      </Field>
      <ErrorText error={error} />
      <table aria-busy={rows === null}>
        <caption class="sr-only">Contacts</caption>
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Email</th>
            <th scope="col">Phone</th>
          </tr>
        </thead>
        <tbody>
          {(rows ?? []).map((c) => (
            <tr key={c.id}>
              <th scope="row">
                <Link href={`/contacts/${c.id}`}>{c.name}</Link>
              </th>
              <td>{c.email}</td>
              <td>{c.phone ?? ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {rows?.length === 0 && <p class="muted">No contacts found.</p>}
      {next && (
        <button type="button" onClick={() => void more()}>
          Load more
        </button>
      )}
    </>
  );
}

function EditContact({ customer, onSaved }: { customer: Customer; onSaved: (c: Customer) => void }) {
  const [name, setName] = useState(customer.name);
  const [email, setEmail] = useState(customer.email);
  const [phone, setPhone] = useState(customer.phone ?? '');
  const [notes, setNotes] = useState(customer.notes ?? '');
  const { busy, error, run } = useAction();
  const save = (e: Event) => {
    e.preventDefault();
    void run(async () => {
      onSaved(
        await api.updateCustomer(customer.id, {
          name,
          email,
          phone: phone.trim() ? phone : null,
          notes: notes.trim() ? notes : null,
          version: customer.version,
        }),
      );
    }, describe);
  };
  return (
    <form class="stack" onSubmit={save} aria-label="Edit contact">
      <Field label="Name">
        <input value={name} required maxLength={100} onInput={(e) => setName(e.currentTarget.value)} />
      </Field>
      <Field label="Email">
        <input type="email" value={email} required onInput={(e) => setEmail(e.currentTarget.value)} />
      </Field>
      <Field label="Phone">
        <input type="tel" value={phone} maxLength={40} onInput={(e) => setPhone(e.currentTarget.value)} />
      </Field>
      <Field label="Notes">
        <textarea value={notes} rows={4} onInput={(e) => setNotes(e.currentTarget.value)} />
      </Field>
      <ErrorText error={error} />
      <div class="row">
        <button type="submit" class="primary" disabled={busy}>
          {busy ? 'Saving…' : 'Save contact'}
        </button>
      </div>
    </form>
  );
}

function Conversations({ customerId }: { customerId: string }) {
  const [rows, setRows] = useState<TicketSummary[] | null>(null);
  const [next, setNext] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const load = useCallback(
    (cursor: string | null) =>
      api.tickets({ customer: customerId, limit: 25, cursor }).then(
        (p) => {
          setRows((prev) => [...(cursor ? (prev ?? []) : []), ...p.data]);
          setNext(p.nextCursor ?? null);
        },
        (e) => setError(describe(e)),
      ),
    [customerId],
  );
  useEffect(() => {
    void load(null);
  }, [load]);
  return (
    <section class="panel" aria-labelledby="conversations-heading">
      <h2 id="conversations-heading">Conversations</h2>
      <ErrorText error={error} />
      {rows === null ? (
        <p class="muted">Loading…</p>
      ) : rows.length === 0 ? (
        <p class="muted">None.</p>
      ) : (
        <ul class="other-tickets" aria-label="Conversations">
          {rows.map((t) => (
            <li key={t.id}>
              <Link href={`/tickets/${t.id}`}>
                {ticketNumber(t)} {t.subject}
              </Link>{' '}
              <span class="muted">
                {titleCase(t.status)} · {when(t.lastActivityAt)}
              </span>
            </li>
          ))}
        </ul>
      )}
      {next && (
        <button type="button" onClick={() => void load(next)}>
          Load more
        </button>
      )}
    </section>
  );
}

function MergeDuplicate({ customer, onMerged }: { customer: Customer; onMerged: (c: Customer, moved: number) => void }) {
  const [search, setSearch] = useState('');
  const [found, setFound] = useState<Customer[]>([]);
  const { busy, error, run } = useAction();
  useEffect(() => {
    const q = search.trim();
    if (!q) {
      setFound([]);
      return;
    }
    let live = true;
    const timer = setTimeout(() => {
      api.customers({ search: q, limit: 10 }).then(
        (p) => live && setFound(p.data.filter((c) => c.id !== customer.id)),
        () => live && setFound([]),
      );
    }, 150);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [search, customer.id]);
  const merge = (dupe: Customer) => {
    if (
      !confirm(
        `Merge ${dupe.name} <${dupe.email}> into ${customer.name}? Their conversations move here and their address is kept as a secondary address.`,
      )
    )
      return;
    void run(async () => {
      const r = await api.mergeCustomer(customer.id, dupe.id);
      setSearch('');
      onMerged(r.customer, r.movedTickets);
    }, describe);
  };
  return (
    <section class="panel" aria-labelledby="merge-heading">
      <h2 id="merge-heading">Merge a duplicate into this contact</h2>
      <Field label="Find the duplicate" hint="Name, email or phone">
        <input type="search" value={search} onInput={(e) => setSearch(e.currentTarget.value)} />
      </Field>
      <ErrorText error={error} />
      {found.length > 0 && (
        <ul class="other-tickets" aria-label="Possible duplicates">
          {found.map((c) => (
            <li key={c.id}>
              {c.name} <span class="muted">{c.email}</span>{' '}
              <button type="button" disabled={busy} aria-label={`Merge ${c.name} into this contact`} onClick={() => merge(c)}>
                Merge
              </button>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

export function ContactPage({ id }: { id: string }) {
  const [customer, setCustomer] = useState<Customer | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [generation, setGeneration] = useState(0);
  useTitle(customer?.name ?? 'Contact');
  useEffect(() => {
    api.customer(id).then(setCustomer, (e) => setError(describe(e)));
  }, [id]);
  if (error) return <ErrorText error={error} />;
  if (!customer) return <p class="muted">Loading…</p>;
  return (
    <>
      <p>
        <Link href="/contacts">Contacts</Link> / {customer.name}
      </p>
      <h1 tabIndex={-1}>{customer.name}</h1>
      <Notice>{notice}</Notice>
      {customer.mergedInto ? (
        <p>
          This contact was merged into{' '}
          <a
            href={`/contacts/${customer.mergedInto}`}
            onClick={(e) => {
              e.preventDefault();
              navigate(`/contacts/${customer.mergedInto}`);
            }}
          >
            another contact
          </a>
          .
        </p>
      ) : (
        <div class="contact-grid">
          <section class="panel" aria-labelledby="details-heading">
            <h2 id="details-heading">Details</h2>
            <EditContact
              key={`${customer.version}-${generation}`}
              customer={customer}
              onSaved={(c) => {
                setCustomer(c);
                setNotice('Contact saved.');
              }}
            />
            {!!customer.secondaryEmails?.length && (
              <>
                <h3>Other addresses</h3>
                <ul aria-label="Other addresses">
                  {customer.secondaryEmails.map((e) => (
                    <li key={e}>{e}</li>
                  ))}
                </ul>
              </>
            )}
          </section>
          <div>
            <Conversations key={generation} customerId={customer.id} />
            <MergeDuplicate
              customer={customer}
              onMerged={(c, moved) => {
                setCustomer(c);
                setGeneration(generation + 1);
                setNotice(`Merged: ${moved} conversation${moved === 1 ? '' : 's'} moved here.`);
              }}
            />
          </div>
        </div>
      )}
    </>
  );
}
