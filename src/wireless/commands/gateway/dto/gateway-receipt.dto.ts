import { ApiProperty } from '@nestjs/swagger';
import { IsIn, IsString, Matches } from 'class-validator';

export const RECEIPT_STATUSES = ['delivered', 'failed'] as const;

/** A delivery receipt the HTTP gateway posts back for a Command it was sent. */
export class GatewayReceiptDto {
  @ApiProperty({ example: 'DCaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa' })
  @IsString()
  @Matches(/^DC[0-9a-fA-F]{32}$/, { message: 'command_sid must be a Command SID' })
  command_sid!: string;

  @ApiProperty({ enum: RECEIPT_STATUSES })
  @IsIn(RECEIPT_STATUSES)
  status!: (typeof RECEIPT_STATUSES)[number];
}
