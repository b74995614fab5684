import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { Browser, Page, chromium } from 'playwright-core';
import { JIANGXI_POLICIES, JIANGXI_REFERENCE, ReferenceData } from '@app/domain';
import { CommandHandler, SqliteEventStore } from '@app/event-store';
import { Programme, RiskRegister } from '@app/programme';
import { SMALL, simulate } from '@app/simulation';
import { Api, caughtUp, startApi } from './support/api';
import { ANALYST, AUDITOR, tokenFor } from './support/auth';

/**
 * The dashboard in a real browser (Debian's Chromium, driven by playwright-core) on a simulated programme: a
 * month and a region picked, drilled down from the province to a county and one loan's history, exported; every
 * figure on the page is the API's. Screenshots are kept in test/artifacts/ for a person to look at.
 */
const ARTIFACTS = join(__dirname, 'artifacts');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

const actor = (headers: Record<string, string>) => ({
  user: headers['x-actor-user'],
  role: headers['x-actor-role'],
  org: headers['x-actor-org'],
});
const wan = (fen: number) => String(Math.round(fen / 10_000) / 100);

describe('the dashboard in a browser', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dashboard-'));
  let api: Api;
  let browser: Browser;
  let base: string;
  /** Scripts that failed on a page: none may. */
  const pageErrors: string[] = [];
  afterEach(() => expect(pageErrors.splice(0)).toEqual([]));

  beforeAll(async () => {
    const path = join(dir, 'events.db');
    const store = new SqliteEventStore({ path });
    const reference = new ReferenceData(JIANGXI_REFERENCE);
    const programme = new Programme(
      new CommandHandler(store, { policies: JIANGXI_POLICIES, reference }),
      undefined,
      RiskRegister.forSoleWriter(store),
    );
    await simulate(programme, SMALL, 7);
    await store.close();
    api = await startApi({ EVENT_STORE_PATH: path });
    await caughtUp(api, 120_000);
    base = await api.app.getUrl();
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-background-networking'] });
    mkdirSync(ARTIFACTS, { recursive: true });
  }, 300_000);
  afterAll(async () => {
    await browser?.close();
    await api?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  async function open(who: Record<string, string>, hash: string, viewport = { width: 1280, height: 900 }): Promise<Page> {
    const page = await browser.newPage({ viewport, acceptDownloads: true });
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await page.goto(`${base}/dashboard#token=${await tokenFor(actor(who))}&${hash}`);
    await settled(page);
    return page;
  }
  const settled = (page: Page) => page.waitForFunction(() => (globalThis as any).document.body.dataset.loading === 'false');
  const figure = (page: Page, key: string) => page.locator(`[data-figure="${key}"] .value`).innerText();
  const rowKeys = (page: Page, table: string) =>
    page.locator(`#${table} tbody tr`).evaluateAll((rows: any[]) => rows.map((r) => r.dataset.key));
  const bulletin = async (month: string, region: string) => (await api.get(`/bulletin?month=${month}&region=${region}`, AUDITOR)).body;

  it('shows the bulletin of a month and a region, ranked, with the same figures as the API', async () => {
    const page = await open(AUDITOR, 'month=2011-06&region=360000');
    const province = await bulletin('2011-06', '360000');
    const own = province.rows.find((r: any) => r.regionCode === '360000');
    expect(await figure(page, 'month-loans')).toBe(String(own.disbursed.month.loans));
    expect(await figure(page, 'year-amount')).toBe(wan(own.disbursed.yearToDate.amountFen));
    expect(await figure(page, 'outstanding')).toBe(wan(own.outstandingFen));
    expect(await figure(page, 'leverage')).toBe(`${(own.fund.leverageBp / 10_000).toFixed(2)} 倍`);
    expect(own.disbursed.yearToDate.loans).toBeGreaterThan(0);
    // The cities, ranked by the year's lending.
    const cities = province.rows.filter((r: any) => r.regionCode !== '360000');
    const ranked = [...cities].sort((a: any, b: any) => b.disbursed.yearToDate.amountFen - a.disbursed.yearToDate.amountFen);
    expect(await rowKeys(page, 'ranking')).toEqual(ranked.map((r: any) => r.regionCode));
    // Every chart drew.
    for (const id of ['map', 'monthly', 'categories', 'kinds', 'ranking', 'leverage', 'rates'])
      expect(await page.locator(`#chart-${id} canvas`).count()).toBeGreaterThan(0);
    // The map colours each county by the year's lending, as the API's bulletins of its city give it.
    const mapped = await page.evaluate(() => {
      const g = globalThis as any;
      return g.echarts.getInstanceByDom(g.document.getElementById('chart-map')).getOption().series[0].data;
    });
    const counties = (await Promise.all(cities.map((c: any) => bulletin('2011-06', c.regionCode)))).flatMap((b: any) =>
      b.rows.filter((r: any) => !cities.some((c: any) => c.regionCode === r.regionCode)),
    );
    expect(mapped.map((d: any) => [d.name, String(d.value)]).sort()).toEqual(
      counties.map((r: any) => [r.regionCode, wan(r.disbursed.yearToDate.amountFen)]).sort(),
    );
    expect(counties.length).toBe(100);
    await page.screenshot({ path: join(ARTIFACTS, 'dashboard-province.png'), fullPage: true });

    // Another month, picked on the page.
    await page.fill('#month', '2011-03');
    await page.locator('#month').dispatchEvent('change');
    await settled(page);
    const march = (await bulletin('2011-03', '360000')).rows.find((r: any) => r.regionCode === '360000');
    expect(await figure(page, 'month-amount')).toBe(wan(march.disbursed.month.amountFen));
    await page.close();
  });

  it('drills down from the province to a city, a county and a loan and its history, and exports', async () => {
    const page = await open(AUDITOR, 'month=2011-06&region=360000');
    await page.locator('#ranking tbody tr[data-key="360700"]').click();
    await settled(page);
    const city = await bulletin('2011-06', '360700');
    expect((await rowKeys(page, 'ranking')).sort()).toEqual(
      city.rows
        .filter((r: any) => r.regionCode !== '360700')
        .map((r: any) => r.regionCode)
        .sort(),
    );
    expect(await page.locator('#trail').innerText()).toContain('赣州市');

    await page.locator('#ranking tbody tr[data-key="360721"]').click();
    await settled(page);
    const loans = (await api.get('/ledgers/business?countyCode=360721&pageSize=20', AUDITOR)).body;
    expect(await rowKeys(page, 'ledger-table')).toEqual(loans.rows.map((r: any) => r.loanId));
    expect(await page.locator('#ledger-page').innerText()).toContain(`${loans.total} 条`);
    // As they stood at the month's end: fewer loans than now (the simulation goes on to 2011-12).
    await page.selectOption('#ledger-at', 'month-end');
    const asOf = (await api.get('/ledgers/business?countyCode=360721&pageSize=20&asOf=2011-06-30', AUDITOR)).body;
    expect(asOf.total).toBeLessThan(loans.total);
    await page
      .locator('#ledger-page')
      .filter({ hasText: `${asOf.total} 条` })
      .waitFor();
    expect(await rowKeys(page, 'ledger-table')).toEqual(asOf.rows.map((r: any) => r.loanId));

    const loanId = loans.rows[0].loanId;
    await page.locator(`#ledger-table tbody tr[data-key="${loanId}"]`).click();
    await page.locator('#history li').first().waitFor();
    const events = (await api.get(`/loans/${loanId}/events`, AUDITOR)).body.events;
    expect(await page.locator('#history li').evaluateAll((items: any[]) => items.map((i) => i.dataset.type))).toEqual(
      events.map((e: any) => e.type),
    );
    expect(await page.locator('#history li').first().innerText()).toContain('受理申请');
    await page.screenshot({ path: join(ARTIFACTS, 'dashboard-county-loan.png'), fullPage: true });

    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#export-bulletin')]);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.readFile((await download.path())!);
    expect(String(workbook.worksheets[0].getCell(1, 1).value)).toContain('小额担保贷款工作通报');
    await page.close();
  });

  it('shows an analyst the figures but not a loan’s history, which the API refuses them', async () => {
    const page = await open(ANALYST, 'month=2011-06&region=360721');
    expect(await rowKeys(page, 'ledger-table')).not.toEqual([]);
    await page.locator('#ledger-table tbody tr').first().click();
    await page.locator('#history li').first().waitFor();
    expect(await page.locator('#history li').innerText()).toContain('无法查看');
    await page.close();
  });

  it('fits a phone’s screen', async () => {
    const page = await open(AUDITOR, 'month=2011-06&region=360000', { width: 390, height: 844 });
    expect(await page.evaluate(() => (globalThis as any).document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await page.screenshot({ path: join(ARTIFACTS, 'dashboard-phone.png'), fullPage: true });
    await page.close();
  });
});
