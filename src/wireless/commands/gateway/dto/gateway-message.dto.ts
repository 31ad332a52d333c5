import { ApiProperty } from '@nestjs/swagger';
import { IsIn, IsString, Length, Matches } from 'class-validator';
import {
  PRINTABLE_TEXT,
  PRINTABLE_TEXT_MESSAGE,
} from '../../../../common/validation/storable-text';
import { IsOptional } from '../../../../common/validation/is-optional';
import { COMMAND_MODES, type CommandMode } from '../../../entities/command.entity';

/** A message a device sent, as the HTTP gateway posts it: it becomes a from_sim Command. */
export class GatewayMessageDto {
  @ApiProperty({ example: '8901260000000000001' })
  @IsString()
  @Length(1, 22)
  @Matches(PRINTABLE_TEXT, { message: `iccid ${PRINTABLE_TEXT_MESSAGE}` })
  iccid!: string;

  @ApiProperty({
    description: "The gateway's id of the message: the same id again is the same Command",
    example: 'msg-000123',
  })
  @IsString()
  @Length(1, 128)
  @Matches(PRINTABLE_TEXT, { message: `message_id ${PRINTABLE_TEXT_MESSAGE}` })
  message_id!: string;

  @ApiProperty({ enum: COMMAND_MODES, default: 'text' })
  @IsOptional()
  @IsIn(COMMAND_MODES)
  command_mode: CommandMode = 'text';

  /** Checked against its mode by the controller (`payloadBytes`). */
  @ApiProperty({ description: 'The text the device sent, or in binary mode its bytes in base64' })
  @IsString()
  payload!: string;
}
