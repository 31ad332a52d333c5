import { ApiProperty } from '@nestjs/swagger';
import { IsInt, Matches, Max, Min, ValidateIf } from 'class-validator';
import { IsOptional } from '../../../common/validation/is-optional';

const APP_SID = /^KA[0-9a-fA-F]{32}$/;
const MAX_ERROR_CODE = 2_147_483_647;

/** What a Device reports when it checks in. */
export class CheckInDto {
  @ApiProperty({
    type: String,
    nullable: true,
    example: 'KAaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa',
    description: 'The App the Device runs; null when it runs none (a failed update reports null)',
  })
  @ValidateIf((_dto: unknown, value: unknown) => value !== null)
  @Matches(APP_SID, { message: 'reported_app_sid must be the SID of an App (KA…) or null' })
  reported_app_sid!: string | null;

  @ApiProperty({
    required: false,
    default: 0,
    minimum: 0,
    maximum: MAX_ERROR_CODE,
    description: '0, or the error code of the update that failed',
  })
  // The bottom rule is checked first: a value that is no integer is told so, not its range.
  @IsOptional()
  @Max(MAX_ERROR_CODE, { message: `update_error_code must be at most ${MAX_ERROR_CODE}` })
  @Min(0, { message: 'update_error_code must be at least 0' })
  @IsInt({ message: 'update_error_code must be an integer' })
  update_error_code = 0;
}
