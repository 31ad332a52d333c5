/** What twilio-node throws for an error answer (its RestException). */
export interface RestException {
  status: number;
  code: number;
  message: string;
  moreInfo: string;
}

/** The RestException a client call ends in; fails the test when the call succeeds. */
export async function rejection(promise: Promise<unknown>): Promise<RestException> {
  try {
    await promise;
  } catch (error) {
    return error as RestException;
  }
  throw new Error('the request succeeded');
}

/** Twilio's error body, as the server writes it. */
export const twilioError = (status: number, code: number, message: string) => ({
  code,
  message,
  more_info: `https://www.twilio.com/docs/errors/${code}`,
  status,
});
