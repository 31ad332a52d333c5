import { ApiProperty } from '@nestjs/swagger';
import { IsString, Matches, MaxLength, MinLength } from 'class-validator';
import { PRINTABLE_TEXT } from '../../common/validation/storable-text';

export class IssueTokenDto {
  @ApiProperty({ example: 'admin' })
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  // A name no user can have: refused here rather than asked of PostgreSQL, which cannot store NUL.
  @Matches(PRINTABLE_TEXT, { message: '$property must not contain control characters' })
  username!: string;

  @ApiProperty({ example: 'the password printed by tenant:create' })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  password!: string;
}

export class TokenDto {
  @ApiProperty()
  accessToken!: string;

  @ApiProperty({ example: 'Bearer' })
  tokenType!: 'Bearer';

  @ApiProperty({ description: 'Seconds until the token expires', example: 3600 })
  expiresIn!: number;
}
