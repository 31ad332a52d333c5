import { StringParam, TextParam } from '../../../twilio/form-params';

/** The spec's limits: a key of at most 100 characters, a value of at most 4096. */
export const MAX_KEY_LENGTH = 100;
export const MAX_VALUE_LENGTH = 4096;

/**
 * What a key may hold. It is a segment of its resource's URL (`/Configs/{Key}`), which clients
 * write as it is (twilio-node does not encode it): letters, digits, `.`, `_` and `-` need no
 * encoding in any URL, and a first letter or digit keeps out `.` and `..`, which a client
 * resolves away before sending the request.
 */
const KEY_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/** Whether a config or secret could have `value` as its key (else it names none: a 404). */
export const isSettingKey = (value: string): boolean =>
  value.length <= MAX_KEY_LENGTH && KEY_PATTERN.test(value);

const KeyParam = () =>
  StringParam({
    required: true,
    maxLength: MAX_KEY_LENGTH,
    pattern: {
      regexp: KEY_PATTERN,
      why: 'must start with a letter or digit and hold only letters, digits, ".", "_" and "-"',
    },
    description: `Unique among its owner's configs (or secrets); up to ${MAX_KEY_LENGTH} characters`,
    example: 'first',
  });

const ValueParam = () =>
  TextParam({
    required: true,
    maxLength: MAX_VALUE_LENGTH,
    description: `Any text, line breaks included; up to ${MAX_VALUE_LENGTH} characters. A secret's is never answered`,
    example: 'first val',
  });

/** `POST .../Configs` and `POST .../Secrets`. */
export class CreateSettingParams {
  @KeyParam()
  Key!: string;

  @ValueParam()
  Value!: string;
}

/** `POST .../Configs/{Key}` and `POST .../Secrets/{Key}`: a new value (a secret's is rotated). */
export class UpdateSettingParams {
  @ValueParam()
  Value!: string;
}
