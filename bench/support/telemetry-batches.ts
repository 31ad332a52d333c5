/**
 * Telemetry batches for load: every point unique (IMEI × time), so every accepted point is a new
 * row and counts can be checked exactly.
 */
export class BatchFactory {
  private sequence = 0;
  private readonly start = Date.UTC(2026, 0, 1);

  constructor(
    private readonly imeiCount = 10_000,
    private readonly imeisPerBatch = 10,
  ) {}

  /** The points of one batch; `sequence` makes datetimes unique across batches. */
  points(size = 100): Record<string, unknown>[] {
    const batch = this.sequence++;
    const firstImei = (batch * this.imeisPerBatch) % this.imeiCount;
    return Array.from({ length: size }, (_, i) => {
      const imei = String(
        350000000000000 + ((firstImei + (i % this.imeisPerBatch)) % this.imeiCount),
      );
      // One second per batch per point slot: unique per (IMEI, datetime).
      const at = new Date(this.start + (batch * size + i) * 1000);
      return {
        imei,
        eventcode: i % 25 === 0 ? '117' : '101',
        fix: i % 10 !== 0,
        datetime: at.toISOString().slice(0, 19),
        latitude: (-34.6 + (i % 100) / 1000).toFixed(6),
        longitude: (-58.38 - (i % 100) / 1000).toFixed(6),
        altitude: 25,
        speed: 40 + (i % 20),
        heading: (i * 7) % 360,
        satellites: 9,
        ignition: true,
        odometer: String(100000 + batch),
        accuracy: '3.5',
      };
    });
  }

  body(size = 100): string {
    return JSON.stringify(this.points(size));
  }
}
