// Resolves the @app/* aliases of the compiled build (dist/) at run time.
const { register } = require('tsconfig-paths');
const { compilerOptions } = require('../../tsconfig.json');
register({ baseUrl: require('path').join(__dirname, '../../dist'), paths: compilerOptions.paths });
