// Resolves the @app/* aliases in the JavaScript `npm run typecheck` emits to dist/test-build (see spawn.ts).
const { join } = require('path');
const { register } = require('tsconfig-paths');
const { compilerOptions } = require('../../tsconfig.json');
register({ baseUrl: join(__dirname, '../../dist/test-build'), paths: compilerOptions.paths });
