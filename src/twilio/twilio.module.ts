import { Inject, Module, type DynamicModule, type OnModuleInit } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { ErrorFormats } from '../common/errors/error-formats';
import { sendTwilioError } from './twilio-exception.filter';

const MOUNT = Symbol('twilio:mount');

/**
 * The Twilio conventions, for a Twilio-compatible API mounted at `/<mount>` (`wireless`,
 * `microvisor`): its controllers take `TwilioApi()` (authentication, form bodies, Twilio's
 * errors) and the helpers beside it (parameters, SIDs, dates, URLs, pages). Importing it also
 * answers in Twilio's format the paths under the mount that no route matches.
 */
@Module({})
export class TwilioModule implements OnModuleInit {
  constructor(
    @Inject(MOUNT) private readonly mount: string,
    private readonly formats: ErrorFormats,
  ) {}

  static forMount(mount: string): DynamicModule {
    return {
      module: TwilioModule,
      // The Basic guard of `TwilioApi()` verifies credentials through AuthModule's strategy.
      imports: [AuthModule],
      providers: [{ provide: MOUNT, useValue: mount }],
    };
  }

  onModuleInit(): void {
    this.formats.register(this.mount, sendTwilioError);
  }
}
