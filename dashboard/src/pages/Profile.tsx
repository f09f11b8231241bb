import { useState } from 'preact/hooks';
import { api, describe, setToken } from '../api/client';
import { me, rememberUsers } from '../state';
import { ErrorText, Field, Notice, useAction, useTitle } from '../components/ui';
import { titleCase } from '../format';
import { askPermission, permission, type NotificationPrefs } from '../notifications';

const KINDS: [keyof NotificationPrefs, string][] = [
  ['newConversation', 'A new conversation in my teams'],
  ['assigned', 'A ticket is assigned to me'],
  ['customerReplied', 'A customer answers my ticket'],
  ['mentioned', 'Someone mentions me in an internal note'],
  ['sound', 'Play a sound'],
];

const MAIL_KINDS: [keyof NotificationPrefs, string][] = [
  ['emailAssigned', 'A ticket is assigned to me'],
  ['emailCustomerReplied', 'A customer answers my ticket'],
];

/** Which events notify me, and the browser's permission to show them. */
function NotificationSettings() {
  const user = me.value!;
  const action = useAction();
  const [saved, setSaved] = useState(false);
  const save = (e: Event) => {
    e.preventDefault();
    const d = new FormData(e.currentTarget as HTMLFormElement);
    const prefs = Object.fromEntries([...KINDS, ...MAIL_KINDS].map(([k]) => [k, d.get(k) === 'on'])) as unknown as NotificationPrefs;
    setSaved(false);
    void action.run(async () => {
      const u = await api.updateUser(user.id, { notifications: prefs });
      me.value = { ...me.value!, ...u };
      setSaved(true);
    }, describe);
  };
  const p = permission.value;
  return (
    <form class="panel stack narrow" onSubmit={save} aria-labelledby="notifications-heading">
      <h2 id="notifications-heading">Notifications</h2>
      <p class="muted">
        Each counts in the tab's title and on its icon until you open the ticket, and shows a browser
        notification when this browser allows them.
      </p>
      <fieldset class="stack">
        <legend>Notify me when</legend>
        {KINDS.map(([k, label]) => (
          <label key={k}>
            <input type="checkbox" name={k} defaultChecked={user.notifications[k]} /> {label}
          </label>
        ))}
      </fieldset>
      <fieldset class="stack">
        <legend>Email me, when I have no wrrk tab open, when</legend>
        {MAIL_KINDS.map(([k, label]) => (
          <label key={k}>
            <input type="checkbox" name={k} defaultChecked={user.notifications[k]} /> {label}
          </label>
        ))}
        <p class="hint">At most one mail per ticket every 10 minutes.</p>
      </fieldset>
      {p === 'granted' && <p>Browser notifications are allowed.</p>}
      {p === 'denied' && <p>Browser notifications are blocked in this browser's site settings.</p>}
      {p === 'unsupported' && <p>This browser cannot show notifications.</p>}
      {p === 'default' && (
        <button type="button" onClick={() => void askPermission()}>
          Allow browser notifications
        </button>
      )}
      <ErrorText error={action.error} />
      {saved && <Notice>Notification preferences saved.</Notice>}
      <button type="submit" class="primary" disabled={action.busy}>
        Save notifications
      </button>
    </form>
  );
}

export function Profile() {
  const user = me.value!;
  useTitle('Your profile');
  const profile = useAction();
  const password = useAction();
  const [saved, setSaved] = useState(false);
  const [changed, setChanged] = useState(false);

  const saveProfile = (e: Event) => {
    e.preventDefault();
    const d = new FormData(e.currentTarget as HTMLFormElement);
    const name = String(d.get('name') ?? '').trim();
    const avatar = String(d.get('avatarUrl') ?? '').trim();
    setSaved(false);
    void profile.run(async () => {
      const u = await api.updateUser(user.id, { name, avatarUrl: avatar || null });
      me.value = { ...me.value!, ...u };
      rememberUsers([u]);
      setSaved(true);
    }, describe);
  };

  const changePassword = (e: Event) => {
    e.preventDefault();
    const form = e.currentTarget as HTMLFormElement;
    const d = new FormData(form);
    const current = String(d.get('currentPassword') ?? '');
    const next = String(d.get('newPassword') ?? '');
    setChanged(false);
    if (next !== String(d.get('confirm') ?? '')) {
      password.setError('The two new passwords do not match.');
      return;
    }
    void password.run(async () => {
      // Every other session ends (other tabs of this browser share the new token).
      const s = await api.changePassword(current, next);
      setToken(s.token);
      form.reset();
      setChanged(true);
    }, describe);
  };

  return (
    <>
      <h1 tabIndex={-1}>Your profile</h1>
      <p class="muted">
        {user.email} · {titleCase(user.role)}
      </p>
      <form class="panel stack narrow" onSubmit={saveProfile} aria-labelledby="profile-heading">
        <h2 id="profile-heading">Profile</h2>
        <Field label="Name">
          <input name="name" defaultValue={user.name} required maxLength={100} autocomplete="name" />
        </Field>
        <Field label="Avatar URL" hint="An https:// address of an image, or empty for initials.">
          <input name="avatarUrl" type="url" defaultValue={user.avatarUrl ?? ''} pattern="https://.*" />
        </Field>
        <ErrorText error={profile.error} />
        {saved && <Notice>Profile saved.</Notice>}
        <button type="submit" class="primary" disabled={profile.busy}>
          Save profile
        </button>
      </form>
      <NotificationSettings />
      <form class="panel stack narrow" onSubmit={changePassword} aria-labelledby="password-heading">
        <h2 id="password-heading">Change password</h2>
        <Field label="Current password">
          <input name="currentPassword" type="password" required autocomplete="current-password" />
        </Field>
        <Field label="New password" hint="At least 8 characters.">
          <input name="newPassword" type="password" required minLength={8} autocomplete="new-password" />
        </Field>
        <Field label="Confirm new password">
          <input name="confirm" type="password" required minLength={8} autocomplete="new-password" />
        </Field>
        <ErrorText error={password.error} />
        {changed && <Notice>Password changed. You were signed out everywhere else.</Notice>}
        <button type="submit" class="primary" disabled={password.busy}>
          Change password
        </button>
      </form>
    </>
  );
}
