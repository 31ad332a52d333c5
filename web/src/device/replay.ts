import L from 'leaflet';
import { element } from '../dom';
import { formatSpeed, formatTime } from '../format';
import type { Track, TrackPoint } from './track';

/** Play runs through the track's time span in this long, whatever the span. */
const PLAY_DURATION_MS = 30_000;

/** A slider over the track's points, a marker at the chosen one, its time, and Play/Pause. */
export interface Replay {
  element: HTMLElement;
  /** Call after the track grew: the slider spans its points. */
  refresh(): void;
  /** Shows point `index` (slider, marker, output); a playing replay goes on from there. */
  moveTo(index: number): void;
  /** Stops and empties the replay, for a track that was cleared. */
  reset(): void;
  destroy(): void;
}

function describe(point: TrackPoint): string {
  const time = formatTime(point.recordedAt);
  return typeof point.speed === 'number' ? `${time} · ${formatSpeed(point.speed)}` : time;
}

export function createReplay(map: L.Map, track: Track): Replay {
  const slider = element('input', { type: 'range', id: 'device-replay', min: 0, step: 1 });
  const button = element('button', { type: 'button' });
  const output = element('output', { for: 'device-replay' });
  const root = element(
    'div',
    { class: 'device-replay' },
    element('label', { for: 'device-replay' }, 'Replay'),
    slider,
    button,
    output,
  );

  const marker = L.circleMarker([0, 0], {
    radius: 7,
    color: '#ffffff',
    weight: 2,
    fillColor: '#c2410c',
    fillOpacity: 1,
    interactive: false,
  });
  let frame = 0;
  let playing = false;
  /** The replay's clock, in device time (microseconds), and when it last advanced. */
  let clock = 0;
  let lastFrameAt = 0;

  function show(index: number): void {
    const point = track.points[index];
    const text = describe(point);
    slider.value = String(index);
    slider.setAttribute('aria-valuetext', `${text}, point ${index + 1} of ${track.points.length}`);
    output.textContent = text;
    marker.setLatLng(point.latLng);
    if (!map.hasLayer(marker)) marker.addTo(map);
    map.panInside(point.latLng, { padding: [32, 32], animate: false });
  }

  function moveTo(index: number): void {
    show(index);
    clock = track.timeOf(index);
  }

  function step(now: number): void {
    const last = track.points.length - 1;
    const span = track.timeOf(last) - track.timeOf(0);
    clock += (Math.max(0, now - lastFrameAt) * span) / PLAY_DURATION_MS;
    lastFrameAt = now;
    const index = Math.max(Number(slider.value), track.indexAtOrBefore(clock));
    show(index);
    if (index >= last) pause();
    else frame = requestAnimationFrame(step);
  }

  function play(): void {
    const start = Number(slider.value) >= track.points.length - 1 ? 0 : Number(slider.value);
    moveTo(start);
    playing = true;
    button.textContent = 'Pause';
    // Every frame rewrites the output: announcing each would drown a screen reader.
    output.setAttribute('aria-live', 'off');
    lastFrameAt = performance.now();
    frame = requestAnimationFrame(step);
  }

  function pause(): void {
    cancelAnimationFrame(frame);
    playing = false;
    button.textContent = 'Play';
    output.removeAttribute('aria-live');
  }

  function reset(): void {
    pause();
    marker.remove();
    slider.max = '0';
    slider.value = '0';
    slider.removeAttribute('aria-valuetext');
    output.textContent = '—';
    slider.disabled = true;
    button.disabled = true;
  }

  slider.addEventListener('input', () => moveTo(Number(slider.value)));
  button.addEventListener('click', () => (playing ? pause() : play()));
  reset();

  return {
    element: root,
    refresh() {
      const count = track.points.length;
      slider.max = String(Math.max(0, count - 1));
      slider.disabled = count === 0;
      button.disabled = count === 0;
      if (count > 0 && !map.hasLayer(marker)) moveTo(0);
    },
    moveTo,
    reset,
    destroy: pause,
  };
}
