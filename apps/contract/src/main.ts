import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PublishedSchemas, currentSchemas, publish } from './schemas';
import { referencePage } from './reference';

/**
 * `npm run contract`: publishes the current version of every event's schema (made from the domain's types)
 * beside the versions published before, and remakes docs/events.md from them.
 */
const root = join(__dirname, '..', '..', '..');
const schemasPath = join(root, 'libs/domain/src/contract/event-schemas.json');
const published = JSON.parse(readFileSync(schemasPath, 'utf8')) as PublishedSchemas;
const schemas = publish(published, currentSchemas());
writeFileSync(schemasPath, `${JSON.stringify(schemas, null, 2)}\n`);
writeFileSync(join(root, 'docs/events.md'), referencePage(schemas));
console.log(`Published the schemas of ${Object.keys(schemas).length} event types; docs/events.md remade.`);
