import L from 'leaflet';
import type { Position } from '../types';
import { instantMicros, lastAtOrBefore } from './device-time';

/** A vertex of the track line: a position with a GPS fix. */
export interface TrackPoint {
  recordedAt: string;
  latLng: L.LatLng;
  speed: number | null | undefined;
}

/**
 * The track of the loaded range: the positions with a GPS fix, in time order, drawn as one line
 * with a vertex for every one of them (Leaflet only skips, when painting, what falls within a
 * pixel; the line itself holds them all). Positions without a fix are counted, not drawn: their
 * coordinates are unreliable (an Asset Tracker without a fix reports the North Pole).
 */
export class Track {
  readonly points: TrackPoint[] = [];
  readonly line = L.polyline([], { color: '#1d4ed8', weight: 3, opacity: 0.85 });
  private readonly latLngs: L.LatLng[] = [];
  /** Each point's device time in microseconds, ascending as the API pages them. */
  private readonly times: number[] = [];
  private received = 0;

  /** Positions of the range received so far, with a fix or not. */
  get positionCount(): number {
    return this.received;
  }

  get withoutFixCount(): number {
    return this.received - this.points.length;
  }

  /** Adds the next page of positions (they arrive in time order) and redraws the line. */
  append(positions: readonly Position[]): void {
    this.received += positions.length;
    for (const position of positions) {
      if (!position.fix) continue;
      const latLng = L.latLng(position.lat, position.lon);
      this.points.push({ recordedAt: position.recordedAt, latLng, speed: position.speed });
      this.latLngs.push(latLng);
      this.times.push(instantMicros(position.recordedAt));
    }
    this.line.setLatLngs(this.latLngs);
  }

  clear(): void {
    this.points.length = 0;
    this.latLngs.length = 0;
    this.times.length = 0;
    this.received = 0;
    this.line.setLatLngs([]);
  }

  /** How many vertices the drawn line has. */
  get vertexCount(): number {
    return (this.line.getLatLngs() as L.LatLng[]).length;
  }

  /** The device time of point `index`, in microseconds. */
  timeOf(index: number): number {
    return this.times[index];
  }

  /** The index of the last point at or before `micros`; -1 when the track starts later. */
  indexAtOrBefore(micros: number): number {
    return lastAtOrBefore(this.times, micros);
  }
}
