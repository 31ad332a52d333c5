import { createAlertSlot, messageOf } from '../alert';
import type { Session } from '../api';
import type { DashboardConfig } from '../config';
import { element } from '../dom';
import { formatTime } from '../format';
import type { Device, DeviceKind } from '../types';
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

  // Focus lands on the heading when the view opens, so a screen reader starts here.
  const heading = element('h1', { id: 'device-title', tabindex: -1 }, deviceId);
  const facts = element('p', { class: 'device-view__facts' }, 'Loading…');
  const problem = createAlertSlot();
  const view = element(
    'section',
    { class: 'device-view', 'aria-labelledby': 'device-title' },
    element(
      'header',
      { class: 'device-view__header' },
      element('a', { href: '#/' }, 'Back to fleet'),
      heading,
      facts,
      problem.element,
    ),
  );
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
