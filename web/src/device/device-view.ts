import type { Session } from '../api';
import type { DashboardConfig } from '../config';
import { formatTime } from '../format';
import type { Device, DeviceKind } from '../types';
import { createAlertSlot, messageOf } from '../alert';
import { mountDeviceHistory } from './device-history';
import './device-view.css';

export interface DeviceViewContext {
  session: Session;
  config: DashboardConfig;
  deviceId: string;
}

const KIND_NAMES: Record<DeviceKind, string> = {
  tracker: 'Tracker',
  'asset-tracker': 'Asset Tracker',
};

/**
 * Mounts one device's view (track, replay, events, exports) into `root`; returns its unmount.
 * The device is read first: an unknown one (or another tenant's) gets the API's message and
 * nothing else is asked for it.
 */
export function mountDeviceView(root: HTMLElement, context: DeviceViewContext): () => void {
  const { session, deviceId } = context;
  const lifetime = new AbortController();

  const view = document.createElement('section');
  view.className = 'device-view';
  view.setAttribute('aria-labelledby', 'device-title');
  const header = document.createElement('header');
  header.className = 'device-view__header';
  const back = document.createElement('a');
  back.href = '#/';
  back.textContent = 'Back to fleet';
  const heading = document.createElement('h1');
  heading.id = 'device-title';
  heading.textContent = deviceId;
  // Focus lands on the heading when the view opens, so a screen reader starts here.
  heading.tabIndex = -1;
  const facts = document.createElement('p');
  facts.className = 'device-view__facts';
  facts.textContent = 'Loading…';
  const problem = createAlertSlot();
  header.append(back, heading, facts, problem.element);
  view.append(header);
  root.replaceChildren(view);
  heading.focus();
  const previousTitle = document.title;
  document.title = `${deviceId} · FleetHub`;

  let unmountHistory: (() => void) | undefined;
  void (async () => {
    try {
      const { data: device } = await session.get<Device>(
        `/devices/${encodeURIComponent(deviceId)}`,
        {},
        lifetime.signal,
      );
      if (lifetime.signal.aborted) return;
      facts.textContent = `${KIND_NAMES[device.kind] ?? device.kind} · last seen ${formatTime(device.lastSeenAt)}`;
      unmountHistory = mountDeviceHistory(view, context, lifetime.signal);
    } catch (error) {
      if (lifetime.signal.aborted) return;
      facts.textContent = '';
      problem.show(messageOf(error));
    }
  })();

  return () => {
    lifetime.abort();
    unmountHistory?.();
    view.remove();
    document.title = previousTitle;
  };
}
