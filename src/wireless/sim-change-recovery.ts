import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, IsNull, Not } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { SimEntity } from './entities/sim.entity';
import { pendingCompletions } from './sim-status';
import { SimStatusProducer } from './sim-status.producer';

/**
 * Without Redis, this process holds the completions of Sims' changes on timers, which a stop
 * loses: at start, the changes still pending are found in the Sims themselves and their
 * completions held again, each due when it would have been (at once when that has passed), counted
 * from the Sim's last update. It runs after the callbacks' own start-up, which gives up the
 * callbacks of the last run (a global module's hooks come first): the callbacks of the changes it
 * completes are sent.
 */
@Injectable()
export class SimChangeRecovery implements OnApplicationBootstrap {
  private readonly logger = new Logger(SimChangeRecovery.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly completions: SimStatusProducer,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const pending = await this.dataSource.getRepository(SimEntity).find({
      where: [{ targetStatus: Not(IsNull()) }, { resetStatus: Not(IsNull()) }],
    });
    const now = Date.now();
    for (const sim of pending) {
      const elapsedMs = now - sim.updatedAt.getTime();
      for (const { change, dueInMs } of pendingCompletions(
        sim,
        this.config.wireless.statusDelayMs,
        elapsedMs,
      )) {
        await this.completions.add(
          { tenantId: sim.tenantId, requestId: 'start-up', simSid: sim.sid, change },
          { delayMs: dueInMs },
        );
      }
    }
    if (pending.length > 0) {
      this.logger.log(`Changes of ${pending.length} Sim(s) pending since the last stop resumed`);
    }
  }
}
