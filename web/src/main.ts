import { readConfig } from './config';
import { mountDeviceView } from './device/device-view';
import { mountFleetView } from './fleet/fleet-view';
import { LiveStream } from './live';
import { routeOf } from './routes';
import { mountShell, type Shell } from './shell';
import { mountSignIn } from './sign-in';
import type { Session } from './api';
import './styles.css';

const config = readConfig(document);
const app = document.getElementById('app')!;

let signedIn: { session: Session; live: LiveStream; shell: Shell } | null = null;
let unmountView: (() => void) | null = null;

function showSignIn(notice?: string): void {
  unmountView?.();
  unmountView = mountSignIn(
    app,
    (session) => {
      unmountView?.();
      unmountView = null;
      const live = new LiveStream(session);
      signedIn = { session, live, shell: mountShell(app, session, live) };
      session.onEnd((reason) => {
        unmountView?.();
        unmountView = null;
        signedIn?.shell.unmount();
        signedIn = null;
        showSignIn(reason ? `Signed out: ${reason.message}` : undefined);
      });
      live.start();
      route();
    },
    notice,
  );
}

/** Mounts the view of the location's hash in the shell. */
function route(): void {
  if (!signedIn) return;
  unmountView?.();
  const { session, live, shell } = signedIn;
  const current = routeOf(location.hash);
  unmountView =
    current.view === 'device'
      ? mountDeviceView(shell.view, { session, config, deviceId: current.deviceId })
      : mountFleetView(shell.view, { session, config, live });
  // The control that had focus (a link in the table, say) is gone with the old view.
  if (!shell.view.contains(document.activeElement)) shell.view.focus({ preventScroll: true });
}

window.addEventListener('hashchange', route);
showSignIn();
