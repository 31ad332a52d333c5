import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { twilioSchemaProblems, type TwilioProduct } from './utils/twilio-schema';

interface Example {
  operation: string;
  status: number;
  name: string;
  body: Record<string, unknown>;
}

/** Every JSON example answer of a spec, by operation and status. */
function examplesOf(product: TwilioProduct): Example[] {
  const file = `twilio_${product}_v1.json`;
  const spec = JSON.parse(
    readFileSync(join(__dirname, 'contracts', 'twilio-oai', file), 'utf8'),
  ) as {
    paths: Record<
      string,
      Record<
        string,
        {
          responses?: Record<
            string,
            {
              content?: Record<
                string,
                { examples?: Record<string, { value: Record<string, unknown> }> }
              >;
            }
          >;
        }
      >
    >;
  };
  return Object.entries(spec.paths).flatMap(([path, methods]) =>
    Object.entries(methods).flatMap(([method, operation]) =>
      Object.entries(operation.responses ?? {}).flatMap(([status, response]) =>
        Object.entries(response.content?.['application/json']?.examples ?? {}).map(
          ([name, example]) => ({
            operation: `${method.toUpperCase()} ${path}`,
            status: Number(status),
            name,
            body: example.value,
          }),
        ),
      ),
    ),
  );
}

const RATE_PLAN_EXAMPLE = examplesOf('wireless').find(
  (example) => example.operation === 'GET /v1/RatePlans/{Sid}' && example.status === 200,
)!;

const problems = (body: unknown) =>
  twilioSchemaProblems('wireless', 'GET /v1/RatePlans/{Sid}', 200, body);

describe('the Twilio response schemas the suites check answers against', () => {
  it.each(['wireless', 'microvisor'] as const)(
    'accept every example answer of the %s spec',
    (product) => {
      const examples = examplesOf(product);
      expect(examples.length).toBeGreaterThan(10);
      const refused = examples
        .map((example) => ({
          example: `${example.operation} ${example.status} ${example.name}`,
          problems: twilioSchemaProblems(product, example.operation, example.status, example.body),
        }))
        .filter((result) => result.problems.length > 0);
      expect(refused).toEqual([]);
    },
  );

  it('refuse a resource without one of its fields, even a nullable one', () => {
    const body = { ...RATE_PLAN_EXAMPLE.body };
    delete body.friendly_name;
    expect(problems(body)).toEqual(["(body) must have required property 'friendly_name'"]);
  });

  it('refuse a field the spec does not list', () => {
    expect(problems({ ...RATE_PLAN_EXAMPLE.body, data_limit_strategy: 'block' })).toEqual([
      '(body) must NOT have additional properties: data_limit_strategy',
    ]);
  });

  it.each<[string, Record<string, unknown>, string]>([
    [
      'a SID of another prefix',
      { sid: `DE${'a'.repeat(32)}` },
      '/sid must match pattern "^WP[0-9a-fA-F]{32}$"',
    ],
    ['a string for an integer', { data_limit: '1000' }, '/data_limit must be integer'],
    ['null where the spec does not allow it', { data_limit: null }, '/data_limit must be integer'],
    [
      'a date with milliseconds',
      { date_created: '2019-07-30T20:00:00.000Z' },
      '/date_created must match format "date-time"',
    ],
    ['a relative URL', { url: '/v1/RatePlans/x' }, '/url must match format "uri"'],
  ])('refuse %s', (_case, change, problem) => {
    expect(problems({ ...RATE_PLAN_EXAMPLE.body, ...change })).toContain(problem);
  });

  it('hold a list page to the item schema and the whole meta', () => {
    const list = (body: unknown) =>
      twilioSchemaProblems('wireless', 'GET /v1/RatePlans', 200, body);
    const meta = {
      first_page_url: 'https://h/wireless/v1/RatePlans?PageSize=50&Page=0',
      key: 'rate_plans',
      next_page_url: null,
      page: 0,
      page_size: 50,
      previous_page_url: null,
      url: 'https://h/wireless/v1/RatePlans?PageSize=50&Page=0',
    };
    expect(list({ rate_plans: [RATE_PLAN_EXAMPLE.body], meta })).toEqual([]);
    expect(list({ rate_plans: [{ ...RATE_PLAN_EXAMPLE.body, sid: null }], meta })).toEqual([]);
    expect(
      list({ rate_plans: [{ ...RATE_PLAN_EXAMPLE.body, voice_enabled: 'no' }], meta }),
    ).toEqual(['/rate_plans/0/voice_enabled must be boolean,null']);
    const partial: Partial<typeof meta> = { ...meta };
    delete partial.previous_page_url;
    expect(list({ rate_plans: [], meta: partial })).toEqual([
      "/meta must have required property 'previous_page_url'",
    ]);
  });
});
