import { createAlertSlot } from '../alert';
import type { Session } from '../api';
import type { DashboardConfig } from '../config';
import { element } from '../dom';
import type { LiveStream } from '../live';
import type { ColumnKey } from './columns';
import { deviceHref } from '../routes';
import { DeviceTable } from './device-table';
import type { FleetDevice } from './fleet-device';
import { FleetFeed } from './fleet-feed';
import { FleetMap } from './fleet-map';
import { FleetStore } from './fleet-store';

export interface FleetViewContext {
  session: Session;
  config: DashboardConfig;
  live: LiveStream;
}

/** How often "online" is looked at again when nothing else changes (devices fall silent). */
const ONLINE_TICK_MS = 5000;

const numberFormat = new Intl.NumberFormat();

function describeCount(shown: number, all: number): string {
  const devices = `${numberFormat.format(all)} ${all === 1 ? 'device' : 'devices'}`;
  return shown === all ? devices : `${numberFormat.format(shown)} of ${devices}`;
}

/**
 * The fleet: a search, the device table and the map, kept in step. Whatever changes them (pages
 * of devices, live messages, the search, a sort, a selection) only asks for a frame; once per
 * animation frame the feed is drained into the store and the table and the map are painted once,
 * so a thousand moving devices cost one repaint per frame, not one per message.
 */
export function mountFleetView(
  root: HTMLElement,
  { session, config, live }: FleetViewContext,
): () => void {
  const store = new FleetStore(config.offlineAfterSeconds * 1000);
  let selected: FleetDevice | undefined;
  /** Scroll the table to the selected row at the next paint (after a sort, a map click). */
  let revealSelected = false;
  let ready = false;
  let frame = 0;

  const search = element('input', {
    id: 'fleet-search',
    type: 'search',
    autocomplete: 'off',
    spellcheck: 'false',
  });
  const count = element('p', { class: 'fleet-count' }, 'Loading devices…');
  const alert = createAlertSlot();
  const table = new DeviceTable({
    select: (device) => select(device),
    open: (device) => {
      location.hash = deviceHref(device.deviceId);
    },
    sort: (key) => sortBy(key),
  });
  table.setSort(store.sort);
  const mapElement = element('div', { id: 'fleet-map' });
  root.replaceChildren(
    element(
      'div',
      { class: 'fleet' },
      element(
        'section',
        { class: 'fleet-list', 'aria-labelledby': 'fleet-title' },
        element(
          'div',
          { class: 'fleet-toolbar' },
          element('h1', { id: 'fleet-title' }, 'Fleet'),
          element(
            'div',
            { class: 'field' },
            element('label', { for: 'fleet-search' }, 'Search devices'),
            search,
          ),
          count,
        ),
        alert.element,
        table.element,
      ),
      mapElement,
    ),
  );
  const map = new FleetMap(mapElement, config, {
    select: (device) => select(device, true),
    deselect: () => select(undefined),
  });
  const feed = new FleetFeed(session, live, {
    changed: requestPaint,
    trouble: (message) => {
      if (message) alert.show(message);
      else alert.clear();
    },
  });

  function requestPaint(): void {
    frame ||= requestAnimationFrame(paint);
  }

  function paint(): void {
    frame = 0;
    feed.drain(store);
    const now = Date.now();
    const order = store.visible(now);
    const onlineOf = (device: FleetDevice) => store.isOnline(device, now);
    table.render(order, selected, onlineOf);
    if (revealSelected && selected) table.reveal(order.indexOf(selected));
    revealSelected = false;
    const firstDraw = feed.loaded && !ready;
    if (firstDraw) map.fitTo(order);
    mapElement.dataset.markerCount = String(map.draw(order, onlineOf, selected));
    count.textContent = `${feed.loaded ? '' : 'Loading… '}${describeCount(order.length, store.size)}`;
    if (firstDraw) {
      ready = true;
      mapElement.dataset.ready = 'true';
      performance.mark('fleethub:fleet-ready');
    }
  }

  function select(device: FleetDevice | undefined, reveal = false): void {
    if (device === selected) return;
    selected = device;
    revealSelected = reveal;
    requestPaint();
  }

  function sortBy(key: ColumnKey): void {
    const { key: current, direction } = store.sort;
    const descending = key === current && direction === 'ascending';
    store.setSort({ key, direction: descending ? 'descending' : 'ascending' });
    table.setSort(store.sort);
    revealSelected = true;
    requestPaint();
  }

  search.addEventListener('input', () => {
    store.setQuery(search.value);
    if (selected && !store.matches(selected)) selected = undefined;
    requestPaint();
  });

  const tick = setInterval(requestPaint, ONLINE_TICK_MS);

  return () => {
    feed.stop();
    clearInterval(tick);
    table.destroy();
    map.destroy();
    // After the map: closing its popup asks for a frame.
    cancelAnimationFrame(frame);
    root.replaceChildren();
  };
}
