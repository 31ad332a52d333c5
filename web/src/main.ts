import { readConfig } from './config';
import { mountDeviceView } from './device/device-view';
import { mountFleetView } from './fleet/fleet-view';
import { mountSignIn } from './sign-in';
import type { Session } from './api';
import './styles.css';

const config = readConfig(document);
const app = document.getElementById('app')!;

let session: Session | null = null;
let unmountView: (() => void) | null = null;

/** `#/` is the fleet, `#/devices/<id>` a device; anything else goes to the fleet. */
function route(): void {
  unmountView?.();
  unmountView = null;
  if (!session) {
    unmountView = mountSignIn(app, (signedIn) => {
      session = signedIn;
      session.onEnd(() => {
        session = null;
        route();
      });
      route();
    });
    return;
  }
  const device = /^#\/devices\/(.+)$/.exec(location.hash);
  unmountView = device
    ? mountDeviceView(app, { session, config, deviceId: decodeURIComponent(device[1]) })
    : mountFleetView(app, { session, config });
}

window.addEventListener('hashchange', route);
route();
