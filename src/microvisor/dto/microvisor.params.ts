import { BooleanParam, StringParam, UniqueNameParam } from '../../twilio/form-params';

/** The longest unique name of an App or a Device. */
export const MAX_UNIQUE_NAME_LENGTH = 64;

const MicrovisorUniqueName = (what: string) =>
  UniqueNameParam({
    maxLength: MAX_UNIQUE_NAME_LENGTH,
    description: `Unique among the account's ${what}; addresses it in place of its SID, so it may not have the shape of a SID`,
  });

/** The upload's text field beside its `File`. */
export class UploadAppParams {
  @MicrovisorUniqueName('Apps')
  UniqueName?: string;
}

/** A Device's unique name as `device:register` takes it: by the rules of UpdateDevice's. */
export class RegisterDeviceParams {
  @MicrovisorUniqueName('Devices')
  UniqueName?: string;
}

/** `POST /v1/Devices/{Sid}`: every parameter optional, an empty body answers the Device as it is. */
export class UpdateDeviceParams {
  @MicrovisorUniqueName('Devices')
  UniqueName?: string;

  @StringParam({
    maxLength: MAX_UNIQUE_NAME_LENGTH,
    description: 'The SID or unique name of an App of the account: the Device is to run it',
  })
  TargetApp?: string;

  @BooleanParam({
    description: 'true: application logging on for 24 hours from now (extended if on); false: off',
  })
  LoggingEnabled?: boolean;

  @BooleanParam({
    description: 'true: the App is restarted, told to the Device at its next check-in',
  })
  RestartApp?: boolean;
}
