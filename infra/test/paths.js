// Turns tsconfig.base.json's path aliases into Jest's moduleNameMapper, so the two never disagree.
const path = require('node:path');
const base = require('../../tsconfig.base.json');

function pathsToModuleNameMapper() {
  const root = path.resolve(__dirname, '..', '..');
  const mapper = {};
  for (const [alias, targets] of Object.entries(base.compilerOptions.paths)) {
    mapper[`^${alias.replace(/[/\\^$.*+?()[\]{}|-]/g, '\\$&')}$`] = path.join(root, targets[0]);
  }
  return mapper;
}

module.exports = { pathsToModuleNameMapper };
