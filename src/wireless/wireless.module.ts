import { Module } from '@nestjs/common';
import { SimImportService } from './sim-import.service';

/**
 * The Twilio-compatible Programmable Wireless API, at /wireless/v1. Imported without `forRoot`
 * (the operator CLI), it offers only the SIM import.
 */
@Module({ providers: [SimImportService], exports: [SimImportService] })
export class WirelessModule {}
