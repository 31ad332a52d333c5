/**
 * Telemetry batches for load: every point unique (IMEI × time), so every accepted point is a new
 * row and counts can be checked exactly.
 */
export class BatchFactory {
  private sequence = 0;
  /** The first point's time (epoch ms): batch n's points are `size` seconds from n × size on. */
  readonly start = Date.UTC(2026, 0, 1);

  constructor(
    private readonly imeiCount = 10_000,
    private readonly imeisPerBatch = 10,
  ) {}

  /** The points of one batch; `sequence` makes datetimes unique across batches. */
  points(size = 100, batch = this.sequence++): Record<string, unknown>[] {
    return Array.from({ length: size }, (_, i) => ({
      imei: this.imei(batch, i),
      eventcode: i % 25 === 0 ? '117' : '101',
      fix: i % 10 !== 0,
      datetime: this.datetime(batch, size, i),
      latitude: (-34.6 + (i % 100) / 1000).toFixed(6),
      longitude: (-58.38 - (i % 100) / 1000).toFixed(6),
      altitude: 25,
      speed: 40 + (i % 20),
      heading: (i * 7) % 360,
      satellites: 9,
      ignition: true,
      odometer: String(100000 + batch),
      accuracy: '3.5',
    }));
  }

  /**
   * The JSON text of the next batch, the same points as `points()` would give. Written directly
   * rather than through JSON.stringify: the load generator shares the machine with the server it
   * measures, so its own cost per request must stay small (about a tenth of a stringify).
   */
  body(size = 100): string {
    const batch = this.sequence++;
    const parts: string[] = [];
    for (let i = 0; i < size; i++) {
      parts.push(
        `{"imei":"${this.imei(batch, i)}","datetime":"${this.datetime(batch, size, i)}",` +
          `"odometer":"${100000 + batch}",${this.fixedFields(i)}}`,
      );
    }
    return `[${parts.join(',')}]`;
  }

  private readonly fixedFieldsCache: string[] = [];

  /** The JSON members that depend only on the point's slot in its batch. */
  private fixedFields(i: number): string {
    return (this.fixedFieldsCache[i] ??= JSON.stringify(
      Object.fromEntries(
        Object.entries(this.points(i + 1, 0)[i]).filter(
          ([key]) => !['imei', 'datetime', 'odometer'].includes(key),
        ),
      ),
    ).slice(1, -1));
  }

  private imei(batch: number, i: number): string {
    const firstImei = (batch * this.imeisPerBatch) % this.imeiCount;
    return String(350000000000000 + ((firstImei + (i % this.imeisPerBatch)) % this.imeiCount));
  }

  private dayPrefix = { day: NaN, text: '' };

  /** One second per batch per point slot: unique per (IMEI, datetime). Formatted without a Date per point. */
  private datetime(batch: number, size: number, i: number): string {
    const seconds = this.start / 1000 + batch * size + i;
    const day = Math.floor(seconds / 86_400);
    if (day !== this.dayPrefix.day) {
      this.dayPrefix = { day, text: new Date(day * 86_400_000).toISOString().slice(0, 11) };
    }
    const inDay = seconds - day * 86_400;
    const two = (n: number) => (n < 10 ? `0${n}` : String(n));
    return `${this.dayPrefix.text}${two(Math.floor(inDay / 3600))}:${two(Math.floor(inDay / 60) % 60)}:${two(inDay % 60)}`;
  }
}
