/** Where Microvisor v1 is mounted: twilio-node's `client.microvisor.baseUrl` is `<origin>/microvisor`. */
export const MICROVISOR_MOUNT = 'microvisor';

/** The API version's path, the base of every resource URL. */
export const MICROVISOR_V1 = `/${MICROVISOR_MOUNT}/v1`;

/**
 * Where apps are uploaded. Twilio took uploads on a host of their own
 * (`microvisor-upload.twilio.com/v1/Apps`); here the host's name becomes the mount's.
 */
export const MICROVISOR_UPLOAD_MOUNT = 'microvisor-upload';

export const MICROVISOR_UPLOAD_V1 = `/${MICROVISOR_UPLOAD_MOUNT}/v1`;

/**
 * Where the Devices themselves call (check-in, bundle download): under the Microvisor mount, so
 * its errors are Twilio's too, beside the API rather than in it (`/microvisor/v1` is Twilio's).
 */
export const MICROVISOR_DEVICE_V1 = `/${MICROVISOR_MOUNT}/device/v1`;
