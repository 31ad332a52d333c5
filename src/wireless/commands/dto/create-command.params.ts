import { BooleanParam, EnumParam, StringParam, UrlParam } from '../../../twilio/form-params';
import {
  COMMAND_MODES,
  INCLUDE_SID_OPTIONS,
  type CommandMode,
  type IncludeSid,
} from '../../entities/command.entity';
import { HTTP_METHODS, type HttpMethod } from '../../entities/sim.entity';

/**
 * The parameters of POST /Commands. `Command` and `Sim` are checked by the service, which knows
 * the Command's exact limits (characters, not UTF-16 units; IncludeSid) and Twilio's code for a
 * missing Sim (33102).
 */
export class CreateCommandParams {
  /** The most UTF-16 units 160 characters take. */
  @StringParam({ maxLength: 320, description: 'Text (160 characters) or base64 (140 bytes)' })
  Command?: string;

  @StringParam({ maxLength: 64, description: 'The SID or unique name of the Sim' })
  Sim?: string;

  @EnumParam(HTTP_METHODS, { description: 'Default POST' })
  CallbackMethod: HttpMethod = 'POST';

  @UrlParam({ description: 'Called at each change of the Command status' })
  CallbackUrl?: string;

  @EnumParam(COMMAND_MODES, { description: 'Default text' })
  CommandMode: CommandMode = 'text';

  @EnumParam(INCLUDE_SID_OPTIONS, { description: 'Text mode only; default none' })
  IncludeSid: IncludeSid = 'none';

  @BooleanParam({ description: 'Default true' })
  DeliveryReceiptRequested = true;
}
