/** What twilio-node throws for an error answer (its RestException). */
export interface RestException {
  status: number;
  code: number;
  message: string;
  moreInfo: string;
}

/** The RestException a call of the client rejects with; fails the test when it succeeds. */
export async function restException(promise: Promise<unknown>): Promise<RestException> {
  try {
    await promise;
  } catch (error) {
    return error as RestException;
  }
  throw new Error('the request succeeded');
}

/** Twilio's error body, as the server must write it. */
export const twilioErrorBody = (status: number, code: number, message: string) => ({
  code,
  message,
  more_info: `https://www.twilio.com/docs/errors/${code}`,
  status,
});
