/** The success envelope of the `/apidev/v1` family. */
export interface ApiResponse<T> {
  success: true;
  data: T;
  meta: Record<string, unknown>;
}

export function ok<T>(data: T, meta: Record<string, unknown> = {}): ApiResponse<T> {
  return { success: true, data, meta };
}

/**
 * The success envelope around items that are already JSON text (a position page), as one JSON
 * text: the bytes `JSON.stringify(ok(items, meta))` gives for the same items.
 */
export function okJson(itemsJson: string[], meta: Record<string, unknown>): string {
  return `{"success":true,"data":[${itemsJson.join(',')}],"meta":${JSON.stringify(meta)}}`;
}
