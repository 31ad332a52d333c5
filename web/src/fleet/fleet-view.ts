import type { DashboardConfig } from '../config';
import type { Session } from '../api';

export interface FleetViewContext {
  session: Session;
  config: DashboardConfig;
}

/** Mounts the fleet view (map + device table + live) into `root`; returns its unmount. */
export function mountFleetView(root: HTMLElement, _context: FleetViewContext): () => void {
  root.textContent = 'Fleet';
  return () => root.replaceChildren();
}
