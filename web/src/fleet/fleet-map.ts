import L from 'leaflet';
import type { DashboardConfig } from '../config';
import { element } from '../dom';
import { formatCoordinates, formatSpeed, formatTime } from '../format';
import { createMap } from '../map';
import type { FleetDevice } from './fleet-device';
import { deviceHref } from './device-table';

interface DeviceMarker extends L.CircleMarker {
  device: FleetDevice;
  lat: number;
  lon: number;
  online: boolean;
  drawn: number;
}

const ONLINE_STYLE: L.CircleMarkerOptions = {
  radius: 5,
  weight: 1.5,
  color: '#ffffff',
  fillColor: '#15803d',
  fillOpacity: 1,
};
const OFFLINE_STYLE: L.CircleMarkerOptions = {
  radius: 4,
  weight: 2,
  color: '#4b5563',
  fillColor: '#ffffff',
  fillOpacity: 1,
};

export class FleetMap {
  readonly map: L.Map;
  private readonly renderer = L.canvas({ padding: 0.2 });
  private readonly markers = new Map<string, DeviceMarker>();
  private readonly layer = L.featureGroup();
  private readonly popup: L.Popup;
  private readonly popupText = {
    id: element('strong'),
    place: element('span'),
    detail: element('span'),
  };
  private readonly popupLink = element('a', {}, 'Open device');
  private generation = 0;

  constructor(
    private readonly container: HTMLElement,
    config: DashboardConfig,
    private readonly onSelect: (device: FleetDevice) => void,
  ) {
    this.map = createMap(container, config, 'Fleet map');
    this.layer.addTo(this.map);
    this.layer.on('click', (event) => this.onSelect((event.propagatedFrom as DeviceMarker).device));
    this.popup = L.popup({ autoPanPadding: [24, 24] }).setContent(
      element(
        'div',
        { class: 'device-popup' },
        this.popupText.id,
        this.popupText.place,
        this.popupText.detail,
        this.popupLink,
      ),
    );
    legend().addTo(this.map);
  }

  /** Draws the devices with a place; returns how many markers are drawn. */
  draw(devices: readonly FleetDevice[], onlineOf: (device: FleetDevice) => boolean): number {
    const generation = ++this.generation;
    for (const device of devices) {
      const place = device.place;
      if (!place) continue;
      const online = onlineOf(device);
      let marker = this.markers.get(device.deviceId);
      if (!marker) {
        marker = L.circleMarker([place.lat, place.lon], {
          ...(online ? ONLINE_STYLE : OFFLINE_STYLE),
          renderer: this.renderer,
        }) as DeviceMarker;
        Object.assign(marker, { device, lat: place.lat, lon: place.lon, online });
        this.markers.set(device.deviceId, marker);
        this.layer.addLayer(marker);
      } else {
        if (marker.lat !== place.lat || marker.lon !== place.lon) {
          marker.lat = place.lat;
          marker.lon = place.lon;
          marker.setLatLng([place.lat, place.lon]);
        }
        if (marker.online !== online) {
          marker.online = online;
          marker.setStyle(online ? ONLINE_STYLE : OFFLINE_STYLE);
        }
      }
      marker.drawn = generation;
    }
    for (const [deviceId, marker] of this.markers) {
      if (marker.drawn === generation) continue;
      this.layer.removeLayer(marker);
      this.markers.delete(deviceId);
    }
    return this.markers.size;
  }

  /** Opens (or moves and updates) the popup of the selected device; closes it for none. */
  showSelected(device: FleetDevice | undefined): void {
    const place = device?.place;
    if (!device || !place) {
      this.map.closePopup(this.popup);
      return;
    }
    const { id, place: where, detail } = this.popupText;
    id.textContent = device.deviceId;
    where.textContent = formatCoordinates(place.lat, place.lon);
    detail.textContent = `${formatTime(device.lastSeenAt)} · ${formatSpeed(device.speed)}`;
    this.popupLink.href = deviceHref(device.deviceId);
    this.popup.setLatLng([place.lat, place.lon]);
    if (!this.map.hasLayer(this.popup)) this.popup.openOn(this.map);
  }

  fitTo(devices: Iterable<FleetDevice>): void {
    const bounds = L.latLngBounds([]);
    for (const device of devices) {
      if (device.place) bounds.extend([device.place.lat, device.place.lon]);
    }
    if (bounds.isValid()) this.map.fitBounds(bounds, { padding: [24, 24], maxZoom: 15 });
  }

  destroy(): void {
    this.map.remove();
    this.container.replaceChildren();
  }
}

function legend(): L.Control {
  const control = new L.Control({ position: 'bottomleft' });
  control.onAdd = () =>
    element(
      'div',
      { class: 'map-legend' },
      element('span', { class: 'legend-online' }, 'Online'),
      element('span', { class: 'legend-offline' }, 'Offline'),
    );
  return control;
}
