import { Module, type DynamicModule } from '@nestjs/common';
import { BullModule } from '@nestjs/bull';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuthModule } from '../../auth/auth.module';
import type { AppConfig } from '../../config/app-config';
import { CallbackDeliveryEntity } from '../entities/callback-delivery.entity';
import { CallbackAttempts } from './callback-attempts';
import { CallbackLog } from './callback-log';
import { CallbackSender } from './callback-sender';
import { CallbackProcessor } from './callback.processor';
import { CallbackProducer } from './callback.producer';
import { CALLBACK_QUEUE } from './callback.queue';
import { InProcessCallbacks } from './in-process-callbacks';

/**
 * Outbound callbacks of the Twilio-compatible APIs (`CallbackSender`). With Redis, the API queues
 * them and workers deliver them; without, the process that schedules them delivers them.
 * Imported without `forRoot` (the operator CLI), it offers only their record (`CallbackLog`).
 *
 * `forRoot` is global and imported once, by AppModule: the APIs inject `CallbackSender` without
 * importing it again, which would register the queue and its processor a second time.
 */
@Module({
  imports: [TypeOrmModule.forFeature([CallbackDeliveryEntity])],
  providers: [CallbackLog],
  exports: [CallbackLog],
})
export class CallbacksModule {
  static forRoot(config: AppConfig): DynamicModule {
    const queued = Boolean(config.redis.url);
    const consumes = queued && config.role !== 'api';
    return {
      module: CallbacksModule,
      global: true,
      imports: [
        AuthModule,
        ...(queued ? [BullModule.registerQueue({ name: CALLBACK_QUEUE })] : []),
      ],
      providers: [
        CallbackAttempts,
        CallbackProducer,
        CallbackSender,
        ...(queued ? [] : [InProcessCallbacks]),
        ...(consumes ? [CallbackProcessor] : []),
      ],
      exports: [CallbackSender],
    };
  }
}
