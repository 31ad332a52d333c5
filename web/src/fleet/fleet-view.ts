import { ApiError, type Session } from '../api';
import type { DashboardConfig } from '../config';
import { element } from '../dom';
import type { LiveStream } from '../live';
import type { Device, LiveEvent, LivePosition } from '../types';
import type { ColumnKey } from './columns';
import { DeviceTable, deviceHref } from './device-table';
import { fromApi, withLiveEvent, withLivePosition, type FleetDevice } from './fleet-device';
import { FleetMap } from './fleet-map';
import { FleetStore } from './fleet-store';
import { loadDevices } from './load-devices';

export interface FleetViewContext {
  session: Session;
  config: DashboardConfig;
  live: LiveStream;
}

/** How often "online" is looked at again when nothing else changes (devices fall silent). */
const ONLINE_TICK_MS = 5000;

const numberFormat = new Intl.NumberFormat();

/**
 * The fleet: a search, the device table and the map, kept in step. Pages of devices and live
 * messages are only queued as they come; once per animation frame the queue is applied to the
 * store and the table and the map are painted once, so a thousand moving devices cost one
 * repaint per frame, not one per message.
 */
export function mountFleetView(
  root: HTMLElement,
  { session, config, live }: FleetViewContext,
): () => void {
  const store = new FleetStore(config.offlineAfterSeconds * 1000);
  const aborter = new AbortController();

  const search = element('input', {
    id: 'fleet-search',
    type: 'search',
    autocomplete: 'off',
    spellcheck: 'false',
  });
  const count = element('p', { class: 'fleet-count' }, 'Loading devices…');
  const alert = element('p', { role: 'alert', class: 'alert' });
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
        alert,
        table.element,
      ),
      mapElement,
    ),
  );
  const map = new FleetMap(mapElement, config, (device) => {
    select(device);
    table.reveal(store.visible().indexOf(device));
  });

  let selected: FleetDevice | undefined;
  const pages: Device[][] = [];
  const messages: (LivePosition | LiveEvent)[] = [];
  let loaded = false;
  let ready = false;
  let frame = 0;

  function scheduleFrame(): void {
    frame ||= requestAnimationFrame(paint);
  }

  function paint(): void {
    frame = 0;
    for (const page of pages.splice(0)) {
      for (const device of page) store.put(fromApi(device, store.get(device.deviceId)));
    }
    for (const message of messages.splice(0)) {
      const known = store.get(message.deviceId);
      store.put(
        'position' in message ? withLivePosition(message, known) : withLiveEvent(message, known),
      );
    }
    const now = Date.now();
    const order = store.visible(now);
    const onlineOf = (device: FleetDevice) => store.isOnline(device, now);
    table.render(order, selected, onlineOf);
    mapElement.dataset.markerCount = String(map.draw(order, onlineOf));
    map.showSelected(selected);
    count.textContent = `${loaded ? '' : 'Loading… '}${describeCount(order.length, store.size)}`;
    if (loaded && !ready) {
      ready = true;
      map.fitTo(order);
      mapElement.dataset.ready = 'true';
      performance.mark('fleethub:fleet-ready');
    }
  }

  function select(device: FleetDevice): void {
    selected = device;
    scheduleFrame();
  }

  function sortBy(key: ColumnKey): void {
    const current = store.sort;
    const direction =
      current.key === key && current.direction === 'ascending' ? 'descending' : 'ascending';
    store.setSort({ key, direction });
    table.setSort(store.sort);
    scheduleFrame();
  }

  search.addEventListener('input', () => {
    store.setQuery(search.value);
    if (selected && !selected.searchKey.includes(search.value.trim().toLowerCase())) {
      selected = undefined;
    }
    scheduleFrame();
  });

  async function load(): Promise<void> {
    try {
      await loadDevices(
        session,
        (page) => {
          pages.push(page);
          scheduleFrame();
        },
        aborter.signal,
      );
      loaded = true;
      scheduleFrame();
    } catch (error) {
      if (aborter.signal.aborted) return;
      alert.textContent =
        error instanceof ApiError ? error.message : 'The devices could not be loaded.';
    }
  }

  const queue = (message: LivePosition | LiveEvent) => {
    messages.push(message);
    scheduleFrame();
  };
  const unsubscribe = live.subscribe({ position: queue, event: queue, gap: () => void load() });
  const tick = setInterval(scheduleFrame, ONLINE_TICK_MS);
  void load();

  return () => {
    aborter.abort();
    unsubscribe();
    clearInterval(tick);
    cancelAnimationFrame(frame);
    table.destroy();
    map.destroy();
    root.replaceChildren();
  };
}

function describeCount(shown: number, all: number): string {
  const devices = `${numberFormat.format(all)} ${all === 1 ? 'device' : 'devices'}`;
  return shown === all ? devices : `${numberFormat.format(shown)} of ${devices}`;
}
