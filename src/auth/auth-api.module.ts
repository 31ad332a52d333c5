import { Module } from '@nestjs/common';
import { AuthController } from './auth.controller';
import { AuthModule } from './auth.module';

/**
 * The HTTP side of auth (token issue). Apart from AuthModule, whose services the CLI uses without
 * any HTTP: a route's guards need what only an HTTP application has (the request-limit storage).
 */
@Module({
  imports: [AuthModule],
  controllers: [AuthController],
})
export class AuthApiModule {}
