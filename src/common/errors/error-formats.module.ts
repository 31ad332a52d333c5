import { Global, Module } from '@nestjs/common';
import { ErrorFormats } from './error-formats';

/** One `ErrorFormats` for the global exception filter and every module that registers a format. */
@Global()
@Module({ providers: [ErrorFormats], exports: [ErrorFormats] })
export class ErrorFormatsModule {}
