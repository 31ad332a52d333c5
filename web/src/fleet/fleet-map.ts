import L from 'leaflet';
import type { DashboardConfig } from '../config';
import { element } from '../dom';
import { formatCoordinates, formatSpeed, formatTime } from '../format';
import { createMap } from '../map';
import { deviceHref } from '../routes';
import type { FleetDevice } from './fleet-device';
import { MarkerCanvas, type MarkerSpot } from './marker-canvas';

export interface FleetMapActions {
  select(device: FleetDevice): void;
  /** The popup was closed. */
  deselect(): void;
}

/**
 * The fleet's map: a marker per located device (on one canvas), a legend, and the selected
 * device's popup. A click on a marker selects its device.
 */
export class FleetMap {
  private readonly map: L.Map;
  private readonly markers: MarkerCanvas<FleetDevice>;
  private readonly popup: L.Popup;
  /** Set while the popup is closed for lack of a selection, rather than by the user. */
  private closing = false;
  private readonly popupLines = {
    deviceId: element('strong'),
    place: element('span'),
    detail: element('span'),
    link: element('a', {}, 'Open device'),
  };

  constructor(
    private readonly container: HTMLElement,
    config: DashboardConfig,
    actions: FleetMapActions,
  ) {
    this.map = createMap(container, config, 'Fleet map');
    this.markers = new MarkerCanvas(this.map);
    this.map.on('click', ({ containerPoint }: L.LeafletMouseEvent) => {
      const device = this.markers.itemAt(containerPoint);
      if (device) actions.select(device);
    });
    this.map.on('mousemove', ({ containerPoint }: L.LeafletMouseEvent) => {
      container.classList.toggle('over-marker', this.markers.itemAt(containerPoint) !== undefined);
    });
    const { deviceId, place, detail, link } = this.popupLines;
    this.popup = L.popup({ autoPanPadding: [24, 24] }).setContent(
      element('div', { class: 'device-popup' }, deviceId, place, detail, link),
    );
    this.popup.on('remove', () => {
      if (!this.closing) actions.deselect();
    });
    legend().addTo(this.map);
  }

  /** Draws the located ones of `devices`, highlighting `selected`; returns how many are drawn. */
  draw(
    devices: readonly FleetDevice[],
    onlineOf: (device: FleetDevice) => boolean,
    selected: FleetDevice | undefined,
  ): number {
    const spots: MarkerSpot<FleetDevice>[] = [];
    for (const device of devices) {
      const { place } = device;
      if (place)
        spots.push({ item: device, lat: place.lat, lon: place.lon, online: onlineOf(device) });
    }
    this.markers.show(spots, selected);
    this.showPopup(selected);
    return spots.length;
  }

  fitTo(devices: readonly FleetDevice[]): void {
    const bounds = L.latLngBounds([]);
    for (const { place } of devices) if (place) bounds.extend([place.lat, place.lon]);
    if (bounds.isValid()) {
      this.map.fitBounds(bounds, { padding: [24, 24], maxZoom: 15, animate: false });
    }
  }

  destroy(): void {
    this.markers.destroy();
    this.map.remove();
    this.container.replaceChildren();
  }

  /** Opens, moves and rewrites the selected device's popup; closes it when there is none. */
  private showPopup(device: FleetDevice | undefined): void {
    const place = device?.place;
    if (!device || !place) {
      this.closing = true;
      this.map.closePopup(this.popup);
      this.closing = false;
      return;
    }
    const lines = this.popupLines;
    lines.deviceId.textContent = device.deviceId;
    lines.place.textContent = formatCoordinates(place.lat, place.lon);
    lines.detail.textContent = `Last seen ${formatTime(device.lastSeenAt)} · ${formatSpeed(device.speed)}`;
    lines.link.href = deviceHref(device.deviceId);
    const at = this.popup.getLatLng();
    if (!at || at.lat !== place.lat || at.lng !== place.lon)
      this.popup.setLatLng([place.lat, place.lon]);
    if (!this.map.hasLayer(this.popup)) this.popup.openOn(this.map);
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
