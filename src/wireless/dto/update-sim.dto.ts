import { EnumParam, StringParam, UniqueNameParam, UrlParam } from '../../twilio/form-params';
import {
  HTTP_METHODS,
  SIM_STATUSES,
  type HttpMethod,
  type SimStatus,
} from '../entities/sim.entity';

const METHOD = 'GET or POST; POST unless given';

/** The parameters of POST /Sims/{Sid}, every one of the spec; all optional. */
export class UpdateSimParams {
  @UniqueNameParam({
    maxLength: 64,
    code: 33101,
    description: 'A name unique among the account’s Sims, usable in place of the SID',
  })
  UniqueName?: string;

  @EnumParam(HTTP_METHODS, { description: `How to call CallbackUrl: ${METHOD}` })
  CallbackMethod?: HttpMethod;

  @UrlParam({
    description:
      'Called once the change this request asks for (Status, ResetStatus) has completed; ' +
      'a change that completes at once (200) calls nothing',
  })
  CallbackUrl?: string;

  @StringParam({ maxLength: 64, description: 'A description; need not be unique' })
  FriendlyName?: string;

  @StringParam({ maxLength: 64, description: 'The RatePlan to assign, by its SID or unique name' })
  RatePlan?: string;

  @EnumParam(SIM_STATUSES, {
    description:
      'The status to move to: new → ready | active | deactivated; ready → active | deactivated; ' +
      'active → suspended | deactivated; suspended → active | deactivated. Asynchronous (202)',
  })
  Status?: SimStatus;

  @EnumParam(HTTP_METHODS, { description: `How to call CommandsCallbackUrl: ${METHOD}` })
  CommandsCallbackMethod?: HttpMethod;

  @UrlParam({ description: 'Called with each Command the SIM sends' })
  CommandsCallbackUrl?: string;

  @EnumParam(HTTP_METHODS, { description: `Deprecated: ${METHOD}` })
  SmsFallbackMethod?: HttpMethod;

  @UrlParam({ description: 'Deprecated' })
  SmsFallbackUrl?: string;

  @EnumParam(HTTP_METHODS, { description: `Deprecated: ${METHOD}` })
  SmsMethod?: HttpMethod;

  @UrlParam({ description: 'Deprecated' })
  SmsUrl?: string;

  @EnumParam(HTTP_METHODS, { description: `Deprecated: ${METHOD}` })
  VoiceFallbackMethod?: HttpMethod;

  @UrlParam({ description: 'Deprecated' })
  VoiceFallbackUrl?: string;

  @EnumParam(HTTP_METHODS, { description: `Deprecated: ${METHOD}` })
  VoiceMethod?: HttpMethod;

  @UrlParam({ description: 'Deprecated' })
  VoiceUrl?: string;

  @EnumParam(['resetting'], {
    description: 'resetting: reset the SIM’s connectivity (a ready or active Sim). Asynchronous',
  })
  ResetStatus?: 'resetting';

  @StringParam({
    maxLength: 34,
    description: 'The account the Sim belongs to: only its own (FleetHub has no subaccounts)',
  })
  AccountSid?: string;
}
