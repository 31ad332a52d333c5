import { Module, type DynamicModule } from '@nestjs/common';
import type { AppConfig } from '../config/app-config';
import { TwilioModule } from '../twilio/twilio.module';
import { CommandsModule } from './commands/commands.module';

/** Twilio-compatible Programmable Wireless v1, mounted at /wireless/v1. */
@Module({})
export class WirelessModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: WirelessModule,
      imports: [TwilioModule.forMount('wireless'), CommandsModule.forRoot(config)],
    };
  }
}
