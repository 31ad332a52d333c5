import type L from 'leaflet';
import { createAlertSlot, messageOf } from '../alert';
import type { Query } from '../api';
import { element } from '../dom';
import { toLocalInputValue } from '../format';
import { createMap } from '../map';
import type { DeviceEvent, Position } from '../types';
import { instantMicros } from './device-time';
import type { DeviceViewContext } from './device-view';
import { createEventsList } from './events-list';
import { createExports } from './exports';
import { readAllPages } from './history-pages';
import { createReplay } from './replay';
import { lastDay, rangeQuery, readRange, type TimeRange } from './time-range';
import { Track } from './track';

/**
 * `setView`'s `reset` option (Leaflet's own code passes it; its type definitions lack it): the
 * view is set anew, where a short pan moves by whole pixels and leaves the centre off the point.
 */
const EXACT_VIEW: L.ZoomPanOptions & { reset: boolean } = { reset: true };

/** How long the range inputs must rest before a change loads the range. */
const TYPING_PAUSE_MS = 400;

/** Resolves after `ms` (at once for 0), or rejects as soon as `signal` aborts. */
function delay(ms: number, signal: AbortSignal): Promise<void> {
  if (ms === 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        reject(signal.reason as DOMException);
      },
      { once: true },
    );
  });
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

function describeTrack(track: Track): string {
  if (track.positionCount === 0) return 'No positions in this range';
  const positions = plural(track.positionCount, 'position');
  return track.withoutFixCount === 0
    ? positions
    : `${positions}, ${track.withoutFixCount} without a GPS fix (not on the line)`;
}

function dateTimeField(id: string, label: string, value: Date): [HTMLElement, HTMLInputElement] {
  const input = element('input', { type: 'datetime-local', id, value: toLocalInputValue(value) });
  const field = element(
    'div',
    { class: 'device-range__field' },
    element('label', { for: id }, label),
    input,
  );
  return [field, input];
}

/**
 * The part of the device view that reads the device's history for a chosen range: the range
 * inputs, the track on the map with its replay, the events, the exports. Each change of range
 * aborts what the previous one still had in flight, so a slow old range never draws over a new
 * one; `signal` (the view's lifetime) aborts everything it started. Returns its unmount.
 */
export function mountDeviceHistory(
  view: HTMLElement,
  { session, config, deviceId }: DeviceViewContext,
  signal: AbortSignal,
): () => void {
  const path = `/devices/${encodeURIComponent(deviceId)}`;
  const panel = element('div', { class: 'device-view__panel' });
  const mapElement = element('div', { id: 'device-map', class: 'device-view__map' });
  // Leaflet measures its element: it must be in the page before the map is made.
  view.append(element('div', { class: 'device-view__body' }, panel, mapElement));

  const defaultRange = lastDay(new Date());
  const [fromField, fromInput] = dateTimeField('device-from', 'From', defaultRange.from);
  const [toField, toInput] = dateTimeField('device-to', 'To', defaultRange.to);
  const form = element(
    'form',
    { class: 'device-range', novalidate: true, 'aria-label': 'Time range' },
    fromField,
    toField,
    element('button', { type: 'submit' }, 'Show'),
  );
  const rangeProblem = createAlertSlot();
  const summary = element('p', { id: 'track-summary', role: 'status' });
  const loadFailure = createAlertSlot();

  const map = createMap(mapElement, config, `Track of ${deviceId}`);
  const track = new Track();
  track.line.addTo(map);
  const replay = createReplay(map, track);
  const events = createEventsList(centreOnEvent);
  const exports = createExports(session, deviceId, signal);
  panel.append(
    form,
    rangeProblem.element,
    summary,
    loadFailure.element,
    replay.element,
    // Above the events: their list can be long, and the downloads stay in sight.
    exports.element,
    events.element,
  );

  const showCenter = () => {
    const center = map.getCenter().wrap();
    mapElement.dataset.center = `${center.lat.toFixed(5)},${center.lng.toFixed(5)}`;
  };
  map.on('moveend', showCenter);
  showCenter();

  function fitTrack(): void {
    if (track.points.length === 0) return;
    map.fitBounds(track.line.getBounds(), { padding: [24, 24], maxZoom: 16, animate: false });
  }

  /** Centres on the track's point at or last before the event, and takes the replay there. */
  function centreOnEvent(event: DeviceEvent): void {
    if (track.points.length === 0) {
      events.note('No position with a GPS fix in this range to show.');
      return;
    }
    // An event before the track's first point has none at or before it: the first is nearest.
    const index = Math.max(0, track.indexAtOrBefore(instantMicros(event.occurredAt)));
    map.setView(track.points[index].latLng, map.getZoom(), EXACT_VIEW);
    replay.moveTo(index);
  }

  async function drawTrack(query: Query, loadSignal: AbortSignal): Promise<void> {
    await readAllPages<Position>(session, `${path}/positions`, query, loadSignal, (page) => {
      const wasEmpty = track.points.length === 0;
      track.append(page);
      mapElement.dataset.vertexCount = String(track.vertexCount);
      summary.textContent = `Loading… ${plural(track.positionCount, 'position')} so far`;
      if (wasEmpty) fitTrack();
      replay.refresh();
    });
    fitTrack();
    summary.textContent = describeTrack(track);
  }

  async function listEvents(query: Query, loadSignal: AbortSignal): Promise<void> {
    await readAllPages<DeviceEvent>(session, `${path}/events`, query, loadSignal, (page) =>
      events.append(page),
    );
    events.finish();
  }

  /** Loads the range after `settleMs`; aborting `loading` cancels the wait or the requests. */
  async function load(range: TimeRange, loading: AbortController, settleMs: number): Promise<void> {
    const query = rangeQuery(range);
    const loadSignal = AbortSignal.any([signal, loading.signal]);
    try {
      await delay(settleMs, loadSignal);
      await Promise.all([drawTrack(query, loadSignal), listEvents(query, loadSignal)]);
      mapElement.dataset.ready = 'true';
    } catch (error) {
      if (loadSignal.aborted) return;
      loading.abort();
      summary.textContent = 'This range could not be loaded.';
      loadFailure.show(messageOf(error));
    }
  }

  let loading: AbortController | undefined;

  /**
   * Clears what the previous range showed and loads the one the inputs name (after `settleMs`),
   * or says why they name none, and asks the API nothing.
   */
  function showRange(settleMs: number): void {
    loading?.abort();
    track.clear();
    replay.reset();
    events.clear();
    loadFailure.clear();
    mapElement.dataset.ready = 'false';
    mapElement.dataset.vertexCount = '0';
    const range = readRange(fromInput.value, toInput.value);
    if ('problem' in range) {
      rangeProblem.show(range.problem);
      summary.textContent = '';
      exports.setRange(null);
      return;
    }
    rangeProblem.clear();
    exports.setRange(range);
    summary.textContent = 'Loading…';
    loading = new AbortController();
    void load(range, loading, settleMs);
  }

  // Browsers fire `change` for each part of a date typed: wait for a pause before asking the API.
  form.addEventListener('change', () => showRange(TYPING_PAUSE_MS));
  form.addEventListener('submit', (submit) => {
    submit.preventDefault();
    showRange(0);
  });
  showRange(0);

  return () => {
    replay.destroy();
    map.remove();
  };
}
