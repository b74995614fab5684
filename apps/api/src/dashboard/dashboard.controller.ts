import { Controller, Get, Header, NotFoundException, Param } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { WORDS } from '@app/projections';
import { Public } from '../auth/access.guard';

/**
 * 数据看板: the bulletin, the ledgers and a loan's history as pages for the programme's staff and leadership.
 * The page and its scripts hold no data and are served to anyone; every figure on it is fetched from the API
 * with the user's own token, so what a user may not see is refused to the page as to any other client.
 */
@ApiExcludeController()
@Public()
@Controller('dashboard')
export class DashboardController {
  @Get()
  @Header('content-type', 'text/html; charset=utf-8')
  page() {
    return asset('index.html');
  }

  @Get('jiangxi.json')
  @Header('content-type', 'application/json; charset=utf-8')
  @Header('cache-control', 'max-age=86400')
  map() {
    return asset('jiangxi.json');
  }

  @Get(':file')
  @Header('content-type', 'text/javascript; charset=utf-8')
  @Header('cache-control', 'max-age=3600')
  script(@Param('file') file: string) {
    if (file === 'echarts.min.js') return readFileSync(require.resolve('echarts/dist/echarts.min.js'), 'utf8');
    if (file === 'dashboard.js') return asset('dashboard.js');
    if (file === 'words.js') return `const WORDS = ${JSON.stringify(WORDS)};`;
    throw new NotFoundException({ code: 'HTTP.NOT_FOUND', message: 'There is no such file of the dashboard.' });
  }
}

/** The page's files sit beside the sources (apps/api/src/dashboard/page), whether the API runs built or from source. */
const PAGE_DIR = (() => {
  for (let dir = __dirname; dir !== dirname(dir); dir = dirname(dir)) {
    const page = join(dir, 'apps/api/src/dashboard/page');
    if (existsSync(page)) return page;
  }
  throw new Error('The dashboard page (apps/api/src/dashboard/page) is not there.');
})();

const cache = new Map<string, string>();
function asset(name: string): string {
  if (!cache.has(name)) cache.set(name, readFileSync(join(PAGE_DIR, name), 'utf8'));
  return cache.get(name)!;
}
