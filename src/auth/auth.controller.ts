import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ok, type ApiResponse } from '../common/http/envelope';
import { ApiKeyAuth, CurrentApiKey } from './decorators';
import { IssueTokenDto, TokenDto } from './dto/issue-token.dto';
import type { ApiKeyPrincipal } from './principal';
import { TokenService } from './token.service';

@ApiTags('auth')
@Controller('apidev/v1/auth')
export class AuthController {
  constructor(private readonly tokens: TokenService) {}

  @Post('token')
  @HttpCode(200)
  @ApiKeyAuth()
  @ApiOperation({ summary: 'Exchange a username and password (with the tenant API key) for a JWT' })
  @ApiOkResponse({ type: TokenDto })
  async issueToken(
    @CurrentApiKey() tenant: ApiKeyPrincipal,
    @Body() body: IssueTokenDto,
  ): Promise<ApiResponse<TokenDto>> {
    return ok(await this.tokens.issue(tenant, body.username, body.password));
  }
}
