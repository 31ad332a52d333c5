import L from 'leaflet';
import 'leaflet/dist/leaflet.css';
import type { DashboardConfig } from './config';

/**
 * A Leaflet map with the operator's tiles, or none: without a tile URL, or when the tiles cannot
 * be fetched (offline, blocked), the map is a plain background and everything drawn on it works.
 */
export function createMap(element: HTMLElement, config: DashboardConfig, label: string): L.Map {
  element.setAttribute('role', 'region');
  element.setAttribute('aria-label', label);
  const map = L.map(element, {
    preferCanvas: true,
    worldCopyJump: true,
    attributionControl: true,
  }).setView([20, 0], 2);
  map.attributionControl.setPrefix('');
  if (config.tileUrl) {
    L.tileLayer(config.tileUrl, {
      attribution: config.tileAttribution,
      maxZoom: 19,
      crossOrigin: false,
    }).addTo(map);
  }
  return map;
}
