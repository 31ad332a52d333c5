import { EnumParam, StringParam } from '../../../twilio/form-params';
import { PageQuery } from '../../../twilio/paging';
import {
  COMMAND_DIRECTIONS,
  COMMAND_STATUSES,
  COMMAND_TRANSPORTS,
  type CommandDirection,
  type CommandStatus,
  type CommandTransport,
} from '../../entities/command.entity';

/** The filters of GET /Commands, in the spec's order, then the paging parameters. */
export class ListCommandsParams extends PageQuery {
  @StringParam({ maxLength: 64, description: 'The SID or unique name of the Sim' })
  Sim?: string;

  @EnumParam(COMMAND_STATUSES)
  Status?: CommandStatus;

  @EnumParam(COMMAND_DIRECTIONS)
  Direction?: CommandDirection;

  @EnumParam(COMMAND_TRANSPORTS)
  Transport?: CommandTransport;
}
