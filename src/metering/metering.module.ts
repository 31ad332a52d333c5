import { Module } from '@nestjs/common';
import { TrafficMeter } from './traffic-meter';

/**
 * The traffic of the ingestion routes, per device: ingestion counts it here, and whatever bills
 * that traffic (Wireless Sim usage) takes it from here, so neither depends on the other.
 */
@Module({ providers: [TrafficMeter], exports: [TrafficMeter] })
export class MeteringModule {}
