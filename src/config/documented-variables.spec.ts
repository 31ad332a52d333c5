import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EnvironmentVariables } from './environment';

const ROOT = join(__dirname, '..', '..');
const VARIABLES = Object.keys(new EnvironmentVariables());

/** What an operator reads to configure FleetHub: it names every variable FleetHub reads. */
describe.each([
  ['docs/configuration.md', (name: string) => `\`${name}\``],
  ['.env.example', (name: string) => `${name}=`],
])('%s', (file, mention) => {
  const text = readFileSync(join(ROOT, file), 'utf8');

  it.each(VARIABLES)('documents %s', (name) => {
    expect(text).toContain(mention(name));
  });
});

it('reads the variables from the class, optional ones included', () => {
  expect(VARIABLES).toEqual(expect.arrayContaining(['NODE_ENV', 'HOST', 'DATABASE_URL']));
  expect(VARIABLES.length).toBeGreaterThan(40);
});
