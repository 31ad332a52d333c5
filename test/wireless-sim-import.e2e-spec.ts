import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TenantCredentials } from '../src/auth/tenants.service';
import { SimEntity } from '../src/wireless/entities/sim.entity';
import type { RatePlanEntity } from '../src/wireless/entities/rate-plan.entity';
import type { SimResponse } from '../src/wireless/dto/sim.response';
import { insertRatePlan, eid, iccid, simCsv, type SimCsvLine } from './factories/wireless.factory';
import { createTenant, tenantIdOf } from './factories/tenant.factory';
import { runCli, type CliResult } from './utils/cli';
import { createTestApp, type TestApp } from './utils/test-app';
import { twilioSchemaProblems } from './utils/twilio-schema';

/** Each command starts a Node process with ts-node and connects to PostgreSQL: a few seconds. */
jest.setTimeout(90_000);

describe('sim:import (the operator CLI, as a child process)', () => {
  let testApp: TestApp;
  let tenant: TenantCredentials;
  let tenantId: string;
  let other: TenantCredentials;
  let plan: RatePlanEntity;
  let namedPlan: RatePlanEntity;
  const directory = mkdtempSync(join(tmpdir(), 'sim-import-'));
  let files = 0;

  /** Writes `lines` as an import file and runs `sim:import` on it for `slug`. */
  function importSims(slug: string, csv: string, ...args: string[]): Promise<CliResult> {
    const file = join(directory, `sims-${++files}.csv`);
    writeFileSync(file, csv);
    return runCli(['sim:import', '--tenant', slug, '--file', file, ...args], {
      DATABASE_URL: testApp.config.database.url,
      PORT: '3999',
    });
  }

  const sims = () => testApp.dataSource.getRepository(SimEntity);

  beforeAll(async () => {
    testApp = await createTestApp({ redis: false });
    tenant = await createTenant(testApp);
    other = await createTenant(testApp);
    tenantId = await tenantIdOf(testApp, tenant.tenant);
    plan = await insertRatePlan(testApp, tenantId);
    namedPlan = await insertRatePlan(testApp, tenantId, { uniqueName: 'iot-basic' });
  });
  afterAll(() => testApp.close());

  describe('a first import with --json', () => {
    const lines: SimCsvLine[] = [
      {
        iccid: iccid(1),
        uniqueName: 'tracker-1',
        eid: eid(1),
        imei: '352093081234567',
        ratePlan: 'iot-basic',
      },
      { iccid: iccid(2), ratePlan: '' },
      { iccid: iccid(3), uniqueName: 'tracker-3' },
    ];
    let result: CliResult;
    let printed: SimResponse[];

    beforeAll(async () => {
      lines[1].ratePlan = plan.sid;
      result = await importSims(tenant.tenant, simCsv(lines), '--json');
      printed = JSON.parse(result.stdout) as SimResponse[];
    });

    it('exits 0 and prints one JSON array, in the order of the file', () => {
      expect(result).toMatchObject({ code: 0 });
      expect(result.stdout.trimEnd().split('\n')).toHaveLength(1);
      expect(printed.map((sim) => sim.iccid)).toEqual(lines.map((line) => line.iccid));
    });

    it("prints each Sim in the API's shape: every field of the spec, snake_case, absolute URLs", () => {
      for (const sim of printed) {
        expect(twilioSchemaProblems('wireless', 'GET /v1/Sims/{Sid}', 200, sim)).toEqual([]);
      }
      const [first, second, third] = printed;
      const url = `http://localhost:3999/wireless/v1/Sims/${first.sid}`;
      expect(first).toEqual({
        sid: expect.stringMatching(/^DE[0-9a-f]{32}$/),
        unique_name: 'tracker-1',
        account_sid: tenant.accountSid,
        rate_plan_sid: namedPlan.sid,
        friendly_name: null,
        iccid: iccid(1),
        e_id: eid(1),
        status: 'new',
        reset_status: null,
        commands_callback_url: null,
        commands_callback_method: 'POST',
        sms_fallback_method: 'POST',
        sms_fallback_url: null,
        sms_method: 'POST',
        sms_url: null,
        voice_fallback_method: 'POST',
        voice_fallback_url: null,
        voice_method: 'POST',
        voice_url: null,
        date_created: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/),
        date_updated: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/),
        url,
        links: {
          data_sessions: `${url}/DataSessions`,
          usage_records: `${url}/UsageRecords`,
          rate_plan: `http://localhost:3999/wireless/v1/RatePlans/${namedPlan.sid}`,
        },
        ip_address: null,
      });
      expect(second).toMatchObject({ rate_plan_sid: plan.sid, unique_name: null, e_id: null });
      expect(third).toMatchObject({ rate_plan_sid: null, unique_name: 'tracker-3' });
      expect(third.links).not.toHaveProperty('rate_plan');
    });

    it('stores them as new Sims of the tenant, the IMEI linking the first to its device', async () => {
      const stored = await sims().find({ where: { tenantId }, order: { iccid: 'ASC' } });
      expect(stored.map((sim) => [sim.sid, sim.status, sim.imei])).toEqual([
        [printed[0].sid, 'new', '352093081234567'],
        [printed[1].sid, 'new', null],
        [printed[2].sid, 'new', null],
      ]);
    });
  });

  describe('importing again', () => {
    it('updates the Sims of known ICCIDs, never duplicates them; a blank cell keeps its field', async () => {
      const before = await sims().find({ where: { tenantId }, order: { iccid: 'ASC' } });
      const result = await importSims(
        tenant.tenant,
        simCsv([
          { iccid: iccid(1), imei: '352093089999999' },
          { iccid: iccid(3), uniqueName: 'tracker-3b', ratePlan: 'iot-basic' },
          { iccid: iccid(4) },
        ]),
      );
      expect(result).toMatchObject({ code: 0, stderr: '' });
      expect(result.stdout).toMatch(/^3 Sims imported into "t-[0-9a-f]+": 1 new, 2 updated\.\n/);

      const after = await sims().find({ where: { tenantId }, order: { iccid: 'ASC' } });
      expect(after).toHaveLength(4);
      expect(after.slice(0, 3).map((sim) => sim.sid)).toEqual(before.map((sim) => sim.sid));
      expect(after[0]).toMatchObject({
        uniqueName: 'tracker-1',
        eId: eid(1),
        imei: '352093089999999',
        ratePlanSid: namedPlan.sid,
      });
      expect(after[2]).toMatchObject({ uniqueName: 'tracker-3b', ratePlanSid: namedPlan.sid });
      expect(after[3]).toMatchObject({ iccid: iccid(4), status: 'new', uniqueName: null });
      // One line per Sim after the summary: SID, ICCID, status, unique name, IMEI.
      expect(result.stdout.trimEnd().split('\n').slice(1)).toEqual([
        `${after[0].sid}\t${iccid(1)}\tnew\ttracker-1\t352093089999999`,
        `${after[2].sid}\t${iccid(3)}\tnew\ttracker-3b\t-`,
        `${after[3].sid}\t${iccid(4)}\tnew\t-\t-`,
      ]);
    });
  });

  describe('a bad row', () => {
    /** Runs an import that must fail: exit 1, the message on stderr, nothing imported. */
    async function refused(slug: string, lines: SimCsvLine[]): Promise<string> {
      const before = await sims().find({ order: { sid: 'ASC' } });
      const result = await importSims(slug, simCsv(lines), '--json');
      expect(result.code).toBe(1);
      expect(result.stdout).toBe('');
      expect(await sims().find({ order: { sid: 'ASC' } })).toEqual(before);
      return result.stderr;
    }

    it('stops the import with its line number, the header being line 1, and imports nothing', async () => {
      const stderr = await refused(tenant.tenant, [
        { iccid: iccid(10) },
        { iccid: iccid(11), uniqueName: 'fine' },
        { iccid: `${iccid(12).slice(0, -1)}0`, uniqueName: 'mistyped' },
      ]);
      expect(stderr).toContain('error: line 4: iccid fails its check digit (Luhn)');
    });

    it('names an ICCID another tenant holds', async () => {
      const stderr = await refused(other.tenant, [{ iccid: iccid(20) }, { iccid: iccid(1) }]);
      expect(stderr).toContain(`error: line 3: iccid ${iccid(1)} is a SIM of another tenant`);
      expect(await sims().countBy({ iccid: iccid(20) })).toBe(0);
    });

    it("names a rate plan that is not the tenant's, by unique name or SID", async () => {
      const byName = await refused(other.tenant, [{ iccid: iccid(21), ratePlan: 'iot-basic' }]);
      expect(byName).toContain(
        `error: line 2: rate_plan iot-basic is no RatePlan of tenant ${other.tenant}`,
      );
      const bySid = await refused(other.tenant, [{ iccid: iccid(21), ratePlan: plan.sid }]);
      expect(bySid).toContain(`line 2: rate_plan ${plan.sid} is no RatePlan`);
    });

    it('names a unique name another Sim of the tenant holds', async () => {
      const stderr = await refused(tenant.tenant, [{ iccid: iccid(22), uniqueName: 'tracker-1' }]);
      expect(stderr).toMatch(
        new RegExp(
          `line 2: unique_name tracker-1 is the name of Sim DE[0-9a-f]{32} \\(iccid ${iccid(1)}\\)`,
        ),
      );
    });
  });

  describe('the command line', () => {
    it('builds the URLs on --base-url', async () => {
      const result = await importSims(
        tenant.tenant,
        simCsv([{ iccid: iccid(1) }]),
        '--base-url',
        'https://fleet.example.com',
        '--json',
      );
      const [sim] = JSON.parse(result.stdout) as SimResponse[];
      expect(sim.url).toBe(`https://fleet.example.com/wireless/v1/Sims/${sim.sid}`);
    });

    it('refuses a --base-url with a path, an unknown tenant and a missing file', async () => {
      const csv = simCsv([{ iccid: iccid(30) }]);
      const path = await importSims(tenant.tenant, csv, '--base-url', 'https://example.com/x');
      expect(path.code).toBe(1);
      expect(path.stderr).toContain('error: --base-url must be the scheme and host');
      const unknown = await importSims('no-such-tenant', csv);
      expect(unknown.code).toBe(1);
      expect(unknown.stderr).toContain('error: No tenant with slug "no-such-tenant"');
      const missing = await runCli(
        ['sim:import', '--tenant', tenant.tenant, '--file', join(directory, 'none.csv')],
        { DATABASE_URL: testApp.config.database.url },
      );
      expect(missing.code).toBe(1);
      expect(missing.stderr).toContain('error: Cannot read --file');
      expect(await sims().countBy({ iccid: iccid(30) })).toBe(0);
    });
  });
});
