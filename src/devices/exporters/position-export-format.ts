import type { PositionDto } from '../dto/position.response';

/**
 * One pass over the exported positions in the requested order, a batch at a time; `fixOnly`
 * narrows it further.
 */
export type PositionBatches = (options?: { fixOnly?: boolean }) => AsyncIterable<PositionDto[]>;

/**
 * A file format for a device's positions. `render` yields the document piece by piece, a piece
 * per batch, and may read the positions more than once (each pass is a query of the same
 * snapshot), so no format ever holds the window in memory.
 */
export interface PositionExportFormat {
  contentType: string;
  extension: string;
  render(deviceId: string, batches: PositionBatches): AsyncIterable<string>;
}
