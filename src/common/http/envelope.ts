/** The success envelope of the `/apidev/v1` family. */
export interface ApiResponse<T> {
  success: true;
  data: T;
  meta: Record<string, unknown>;
}

export function ok<T>(data: T, meta: Record<string, unknown> = {}): ApiResponse<T> {
  return { success: true, data, meta };
}
