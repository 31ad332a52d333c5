import { createAlertSlot } from './alert';
import { ApiError, Session, type Credentials } from './api';
import { element } from './dom';

const FIELDS: { name: keyof Credentials; label: string; type: string; autocomplete: string }[] = [
  // The browser's own history of what was typed under this name suggests the slug again.
  { name: 'tenant', label: 'Tenant', type: 'text', autocomplete: 'on' },
  { name: 'apiKey', label: 'API key', type: 'text', autocomplete: 'off' },
  { name: 'username', label: 'Username', type: 'text', autocomplete: 'username' },
  { name: 'password', label: 'Password', type: 'password', autocomplete: 'current-password' },
];

/**
 * The sign-in form; calls `onSignedIn` with the new session. `notice` is shown as the form's
 * alert (why an earlier session ended). Returns its unmount.
 */
export function mountSignIn(
  root: HTMLElement,
  onSignedIn: (session: Session) => void,
  notice?: string,
): () => void {
  const inputs = {} as Record<keyof Credentials, HTMLInputElement>;
  const rows = FIELDS.map(({ name, label, type, autocomplete }) => {
    const id = `sign-in-${name}`;
    const input = element('input', {
      id,
      name,
      type,
      autocomplete,
      required: true,
      spellcheck: 'false',
      autocapitalize: 'none',
    });
    inputs[name] = input;
    return element('div', { class: 'field' }, element('label', { for: id }, label), input);
  });
  const button = element('button', { type: 'submit' }, 'Sign in');
  const alert = createAlertSlot();
  if (notice) alert.show(notice);
  const form = element(
    'form',
    { class: 'sign-in', 'aria-labelledby': 'sign-in-title' },
    element('h1', { id: 'sign-in-title' }, 'FleetHub'),
    element('p', { class: 'hint' }, 'Sign in with the credentials of your tenant.'),
    ...rows,
    button,
    alert.element,
  );
  const main = element('main', { class: 'sign-in-page' }, form);
  root.replaceChildren(main);
  inputs.tenant.focus();

  const aborter = new AbortController();
  form.addEventListener(
    'submit',
    (submit) => {
      submit.preventDefault();
      // Pasted keys and slugs often carry stray spaces; names and passwords are taken as typed.
      const credentials: Credentials = {
        tenant: inputs.tenant.value.trim(),
        apiKey: inputs.apiKey.value.trim(),
        username: inputs.username.value,
        password: inputs.password.value,
      };
      setBusy(true);
      Session.signIn(credentials).then(
        (session) => {
          if (aborter.signal.aborted) session.signOut();
          else onSignedIn(session);
        },
        (error: unknown) => {
          if (aborter.signal.aborted) return;
          setBusy(false);
          alert.show(
            error instanceof ApiError ? error.message : 'FleetHub cannot be reached; try again.',
          );
          inputs.password.select();
        },
      );
    },
    { signal: aborter.signal },
  );

  function setBusy(busy: boolean): void {
    form.setAttribute('aria-busy', String(busy));
    button.disabled = busy;
    button.textContent = busy ? 'Signing in…' : 'Sign in';
    if (busy) alert.clear();
  }

  return () => {
    aborter.abort();
    root.replaceChildren();
  };
}
