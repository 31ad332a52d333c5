import Ajv, { type SchemaObject, type ValidateFunction } from 'ajv';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Response bodies held to Twilio's own OpenAPI specs (test/contracts/twilio-oai), strictly: the
 * spec lists a resource's fields without `required` and lets any other field through, and its
 * formats are only hints; here every field it lists must be present (null only where it says
 * `nullable`), no other field may be, and types, enums, SID patterns, Twilio's date-times
 * (`2015-07-30T20:00:00Z`) and absolute http(s) URLs are checked. A list page is its items' schema
 * for each item and the paging `meta`, with all its fields.
 */
export type TwilioProduct = 'wireless' | 'microvisor';

const SPEC_FILES: Record<TwilioProduct, string> = {
  wireless: 'twilio_wireless_v1.json',
  microvisor: 'twilio_microvisor_v1.json',
};

/**
 * Fields the spec's own example responses give null though their schema does not say `nullable`
 * (an enum behind a `$ref`, which OpenAPI 3.0 cannot mark nullable): Twilio sends null there.
 */
const NULL_IN_SPEC_EXAMPLES: Record<string, string[]> = {
  'wireless.v1.sim': ['reset_status'],
};

type OaiSchema = {
  $ref?: string;
  type?: string;
  format?: string;
  nullable?: boolean;
  enum?: unknown[];
  items?: OaiSchema;
  properties?: Record<string, OaiSchema>;
  pattern?: string;
  minLength?: number;
  maxLength?: number;
};

interface OaiSpec {
  paths: Record<
    string,
    Record<
      string,
      { responses: Record<string, { content?: Record<string, { schema: OaiSchema }> }> }
    >
  >;
  components: { schemas: Record<string, OaiSchema> };
}

const TWILIO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;

function isAbsoluteHttpUrl(value: string): boolean {
  try {
    return ['http:', 'https:'].includes(new URL(value).protocol);
  } catch {
    return false;
  }
}

const nullable = (schema: SchemaObject): SchemaObject => {
  if (schema.$ref) return { anyOf: [schema, { type: 'null' }] };
  if (schema.type === undefined) return schema;
  const nullableSchema: SchemaObject = { ...schema, type: [schema.type as string, 'null'] };
  if (schema.enum) nullableSchema.enum = [...(schema.enum as unknown[]), null];
  return nullableSchema;
};

/** An OpenAPI 3.0 schema of the spec as a strict JSON Schema (the rules above). */
function strict(
  schema: OaiSchema,
  componentRef: (name: string) => string,
  owner?: string,
): SchemaObject {
  if (schema.$ref) return { $ref: componentRef(schema.$ref.split('/').pop()!) };
  let converted: SchemaObject;
  if (schema.type === 'object' && schema.format === 'uri-map') {
    converted = { type: 'object', additionalProperties: { type: 'string', format: 'uri' } };
  } else if (schema.type === 'object' && schema.properties) {
    const names = Object.keys(schema.properties);
    const nullInExamples = NULL_IN_SPEC_EXAMPLES[owner ?? ''] ?? [];
    converted = {
      type: 'object',
      properties: Object.fromEntries(
        names.map((name) => {
          const property = strict(schema.properties![name], componentRef);
          return [name, nullInExamples.includes(name) ? nullable(property) : property];
        }),
      ),
      required: names,
      additionalProperties: false,
    };
  } else if (schema.type === 'array') {
    converted = { type: 'array', items: schema.items ? strict(schema.items, componentRef) : {} };
  } else if (schema.type === undefined) {
    // A free-form value (usage `period`, `commands`, `data`): anything, null included.
    return {};
  } else {
    converted = { type: schema.type };
    for (const keyword of ['enum', 'pattern', 'minLength', 'maxLength', 'format'] as const) {
      if (schema[keyword] !== undefined) converted[keyword] = schema[keyword];
    }
  }
  return schema.nullable ? nullable(converted) : converted;
}

const ajv = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true });
ajv.addFormat('date-time', {
  type: 'string',
  validate: (value: string) => TWILIO_DATE_TIME.test(value) && !Number.isNaN(Date.parse(value)),
});
ajv.addFormat('uri', { type: 'string', validate: isAbsoluteHttpUrl });
ajv.addFormat('http-method', /^(GET|POST|PUT|PATCH|DELETE|HEAD)$/);

const specs = new Map<TwilioProduct, OaiSpec>();
const validators = new Map<string, ValidateFunction>();

function specOf(product: TwilioProduct): OaiSpec {
  let spec = specs.get(product);
  if (!spec) {
    const file = join(__dirname, '..', 'contracts', 'twilio-oai', SPEC_FILES[product]);
    spec = JSON.parse(readFileSync(file, 'utf8')) as OaiSpec;
    const componentRef = (name: string) => `${product}#/definitions/${name}`;
    ajv.addSchema({
      $id: product,
      definitions: Object.fromEntries(
        Object.entries(spec.components.schemas).map(([name, schema]) => [
          name,
          strict(schema, componentRef, name),
        ]),
      ),
    });
    specs.set(product, spec);
  }
  return spec;
}

/**
 * The validator of the JSON answered to `operation` (`'GET /v1/RatePlans'`, the spec's path) with
 * `status`. Throws when the spec has no JSON answer there (a 204, or a status it does not list).
 */
function validatorFor(product: TwilioProduct, operation: string, status: number): ValidateFunction {
  const id = `${product} ${operation} ${status}`;
  let validate = validators.get(id);
  if (!validate) {
    const [method, path] = operation.split(' ');
    const spec = specOf(product);
    const schema =
      spec.paths[path]?.[method.toLowerCase()]?.responses[String(status)]?.content?.[
        'application/json'
      ]?.schema;
    if (!schema)
      throw new Error(`The ${product} spec has no JSON answer to ${operation} with ${status}`);
    validate = ajv.compile(strict(schema, (name) => `${product}#/definitions/${name}`));
    validators.set(id, validate);
  }
  return validate;
}

/** Why `body` is not what the spec answers `operation` with `status` (empty when it is). */
export function twilioSchemaProblems(
  product: TwilioProduct,
  operation: string,
  status: number,
  body: unknown,
): string[] {
  const validate = validatorFor(product, operation, status);
  if (validate(body)) return [];
  return (validate.errors ?? []).map(
    (error) =>
      `${error.instancePath || '(body)'} ${error.message ?? 'is invalid'}` +
      (error.keyword === 'additionalProperties'
        ? `: ${String((error.params as { additionalProperty: string }).additionalProperty)}`
        : ''),
  );
}

/**
 * The spec's operation for a request (`GET`, `/wireless/v1/RatePlans/WP…` → `GET
 * /v1/RatePlans/{Sid}`), the mount stripped; a path template's literal segments must match
 * exactly (Twilio's paths are case-sensitive), its `{params}` any segment but an empty one. A
 * trailing slash is dropped, as the server's routing drops it.
 */
export function twilioOperation(product: TwilioProduct, method: string, path: string): string {
  const underMount = path
    .replace(new RegExp(`^/${product}(?=/)`), '')
    .split('?')[0]
    .replace(/(.)\/$/, '$1');
  const segments = underMount.split('/');
  const template = Object.keys(specOf(product).paths).find((candidate) => {
    const parts = candidate.split('/');
    return (
      parts.length === segments.length &&
      parts.every((part, index) =>
        /^\{.+\}$/.test(part) ? segments[index] !== '' : part === segments[index],
      )
    );
  });
  if (!template) throw new Error(`No ${product} operation for ${method} ${path}`);
  return `${method.toUpperCase()} ${template}`;
}

/** Why `body` is not Twilio's error body for an answer of `status` (empty when it is). */
export function twilioErrorProblems(status: number, body: unknown): string[] {
  const error = body as Record<string, unknown> | null;
  if (typeof error !== 'object' || error === null) return ['the error body is not a JSON object'];
  const problems: string[] = [];
  const extra = Object.keys(error).filter(
    (key) => !['code', 'message', 'more_info', 'status'].includes(key),
  );
  if (extra.length > 0) problems.push(`fields no Twilio error has: ${extra.join(', ')}`);
  if (!Number.isInteger(error.code)) problems.push('code is not an integer');
  if (typeof error.message !== 'string' || error.message === '') problems.push('no message');
  if (error.more_info !== `https://www.twilio.com/docs/errors/${String(error.code)}`) {
    problems.push(`more_info ${JSON.stringify(error.more_info)} is not the code's page`);
  }
  if (error.status !== status) problems.push(`status ${String(error.status)} is not ${status}`);
  return problems;
}

/**
 * Why an answer of the Twilio-compatible API is not what Twilio would send (empty when it is): a
 * success has the body the spec gives the operation (`twilioSchemaProblems`; a 204 none at all),
 * an error Twilio's error body.
 */
export function twilioAnswerProblems(
  product: TwilioProduct,
  answer: { method: string; url: string; status: number; body: unknown },
): string[] {
  const problems = (() => {
    if (answer.status >= 400) return twilioErrorProblems(answer.status, answer.body);
    if (answer.status === 204) return answer.body === '' ? [] : ['a 204 with a body'];
    const operation = twilioOperation(product, answer.method, new URL(answer.url).pathname);
    return twilioSchemaProblems(product, operation, answer.status, answer.body);
  })();
  return problems.map((problem) => `${answer.method} ${answer.url} ${answer.status}: ${problem}`);
}
