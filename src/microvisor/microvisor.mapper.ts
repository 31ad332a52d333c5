/** The URL of an App under the API's base URL (`ApiBaseUrl(MICROVISOR_V1)`). */
export const appUrl = (baseUrl: string, sid: string) => `${baseUrl}/Apps/${sid}`;

/** The URL of a Device under the API's base URL (`ApiBaseUrl(MICROVISOR_V1)`). */
export const deviceUrl = (baseUrl: string, sid: string) => `${baseUrl}/Devices/${sid}`;
