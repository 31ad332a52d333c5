import { ApiProperty } from '@nestjs/swagger';
import { PageMeta } from '../../../twilio/paging';
import {
  COMMAND_DIRECTIONS,
  COMMAND_MODES,
  COMMAND_STATUSES,
  COMMAND_TRANSPORTS,
  type CommandDirection,
  type CommandMode,
  type CommandStatus,
  type CommandTransport,
} from '../../entities/command.entity';

/** A Command as Twilio's `wireless.v1.command` schema gives it. */
export class CommandResponse {
  @ApiProperty({ example: 'DCaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa' })
  sid!: string;

  @ApiProperty({ example: 'ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa' })
  account_sid!: string;

  @ApiProperty({ example: 'DEaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa' })
  sim_sid!: string;

  @ApiProperty({ description: 'The text, or in binary mode the bytes in base64' })
  command!: string;

  @ApiProperty({ enum: COMMAND_MODES })
  command_mode!: CommandMode;

  @ApiProperty({ enum: COMMAND_TRANSPORTS, description: '`ip` over MQTT, else `sms`' })
  transport!: CommandTransport;

  @ApiProperty()
  delivery_receipt_requested!: boolean;

  @ApiProperty({ enum: COMMAND_STATUSES })
  status!: CommandStatus;

  @ApiProperty({ enum: COMMAND_DIRECTIONS })
  direction!: CommandDirection;

  @ApiProperty({ example: '2015-07-30T20:00:00Z' })
  date_created!: string;

  @ApiProperty({ example: '2015-07-30T20:00:00Z' })
  date_updated!: string;

  @ApiProperty({ format: 'uri' })
  url!: string;
}

export class CommandPage {
  @ApiProperty({ type: [CommandResponse] })
  commands!: CommandResponse[];

  @ApiProperty()
  meta!: PageMeta;
}
