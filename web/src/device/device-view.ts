import type { DashboardConfig } from '../config';
import type { Session } from '../api';

export interface DeviceViewContext {
  session: Session;
  config: DashboardConfig;
  deviceId: string;
}

/** Mounts one device's view (track, replay, events, exports) into `root`; returns its unmount. */
export function mountDeviceView(root: HTMLElement, context: DeviceViewContext): () => void {
  root.textContent = context.deviceId;
  return () => root.replaceChildren();
}
