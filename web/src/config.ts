/** What the operator configured, written into the page by the server (src/dashboard). */
export interface DashboardConfig {
  /** Tile URL template (`{z}/{x}/{y}`, optionally `{s}`), or null for a plain background. */
  tileUrl: string | null;
  /** HTML credit shown on the map for the tiles. */
  tileAttribution: string;
  /** A device silent for longer than this is offline. */
  offlineAfterSeconds: number;
}

const DEFAULTS: DashboardConfig = {
  tileUrl: null,
  tileAttribution: '',
  offlineAfterSeconds: 600,
};

export function readConfig(document: Document): DashboardConfig {
  const text = document.getElementById('fleethub-config')?.textContent ?? '{}';
  return { ...DEFAULTS, ...(JSON.parse(text) as Partial<DashboardConfig>) };
}
