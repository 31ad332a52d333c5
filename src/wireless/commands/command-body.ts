import { isUtf8 } from 'node:buffer';
import { STORABLE_TEXT } from '../../common/validation/storable-text';
import type { CommandMode, IncludeSid } from '../entities/command.entity';

/** Twilio's limits of an SMS Command: characters of a text one, bytes of a binary one. */
export const TEXT_MAX_CHARACTERS = 160;
export const BINARY_MAX_BYTES = 140;

/** `DC` + 32 hex digits. */
const SID_LENGTH = 34;

/**
 * The characters a text Command may have: 160, less the SID and the space that separates it when
 * `IncludeSid` adds them (160 - 35 = 125), so that what the device receives still fits in 160.
 */
export function textLimit(includeSid: IncludeSid): number {
  return includeSid === 'none' ? TEXT_MAX_CHARACTERS : TEXT_MAX_CHARACTERS - SID_LENGTH - 1;
}

/** Characters as a person counts them: code points, an emoji being one. */
const characters = (text: string): number => [...text].length;

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/**
 * The bytes a device sent, as a gateway posts them (text, or base64 in binary mode), or why the
 * payload cannot be that.
 */
export function payloadBytes(payload: string, mode: CommandMode): Buffer | { problem: string } {
  if (mode === 'binary') {
    return BASE64.test(payload)
      ? Buffer.from(payload, 'base64')
      : { problem: 'must be base64 in binary mode' };
  }
  return STORABLE_TEXT.test(payload)
    ? Buffer.from(payload, 'utf8')
    : { problem: 'must not contain NUL or unpaired surrogates' };
}

/** Why a Command cannot be sent as given, and the parameter at fault. */
export interface CommandProblem {
  parameter: 'Command' | 'IncludeSid';
  why: string;
}

/** Why `command` cannot be sent as a Command of this mode, or undefined when it can. */
export function commandProblem(
  command: string,
  mode: CommandMode,
  includeSid: IncludeSid,
): CommandProblem | undefined {
  const problem = (why: string): CommandProblem => ({ parameter: 'Command', why });
  if (mode === 'binary') {
    if (includeSid !== 'none') {
      return { parameter: 'IncludeSid', why: 'applies to text Commands only' };
    }
    if (!BASE64.test(command)) return problem('must be base64 in binary mode');
    const bytes = Buffer.from(command, 'base64').length;
    return bytes > BINARY_MAX_BYTES
      ? problem(`must encode at most ${BINARY_MAX_BYTES} bytes in binary mode (got ${bytes})`)
      : undefined;
  }
  if (!STORABLE_TEXT.test(command)) return problem('must not contain NUL or unpaired surrogates');
  const limit = textLimit(includeSid);
  const length = characters(command);
  if (length <= limit) return undefined;
  const why = includeSid === 'none' ? '' : ` with IncludeSid=${includeSid}`;
  return problem(`must be at most ${limit} characters${why} (got ${length})`);
}

export interface CommandContent {
  sid: string;
  command: string;
  commandMode: CommandMode;
  includeSid: IncludeSid;
}

/** What the device receives: the text with its SID where IncludeSid puts it, or the decoded bytes. */
export function devicePayload({ sid, command, commandMode, includeSid }: CommandContent): Buffer {
  if (commandMode === 'binary') return Buffer.from(command, 'base64');
  const text =
    includeSid === 'start'
      ? `${sid} ${command}`
      : includeSid === 'end'
        ? `${command} ${sid}`
        : command;
  return Buffer.from(text, 'utf8');
}

/** Whether bytes are UTF-8 text PostgreSQL can store. */
const isStorableText = (bytes: Buffer) =>
  isUtf8(bytes) && STORABLE_TEXT.test(bytes.toString('utf8'));

/**
 * A device-originated message as a Command: in the mode its transport tells, or else text when
 * its bytes are storable UTF-8 and binary (base64) otherwise. Like Twilio's, a text over 160
 * characters (or bytes over 140) is cut to the limit and kept (Twilio's warning 33111).
 */
export function commandFromDevice(
  payload: Buffer,
  mode: CommandMode = isStorableText(payload) ? 'text' : 'binary',
): { command: string; commandMode: CommandMode; truncated: boolean } {
  if (mode === 'text') {
    const codePoints = [...payload.toString('utf8')];
    const truncated = codePoints.length > TEXT_MAX_CHARACTERS;
    return {
      command: codePoints.slice(0, TEXT_MAX_CHARACTERS).join(''),
      commandMode: 'text',
      truncated,
    };
  }
  return {
    command: payload.subarray(0, BINARY_MAX_BYTES).toString('base64'),
    commandMode: 'binary',
    truncated: payload.length > BINARY_MAX_BYTES,
  };
}
