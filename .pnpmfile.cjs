// Native addons (better-sqlite3, for the sandbox) build from source here: no prebuilt binary and
// no Node headers download reach this machine. Node's own headers are installed beside it
// (<prefix>/include/node), so point node-gyp at them. pnpm passes no npm_config_* from the
// environment or .npmrc to build scripts (since pnpm 11), hence this hook.
const fs = require('node:fs');
const path = require('node:path');

const nodePrefix = path.resolve(process.execPath, '..', '..');
const hasLocalHeaders = fs.existsSync(path.join(nodePrefix, 'include', 'node', 'node.h'));

module.exports = {
  hooks: {
    updateConfig(config) {
      // biome-ignore lint/suspicious/noUndeclaredEnvVars: pnpm reads this hook at install time, outside any turbo task.
      if (!hasLocalHeaders || process.env.npm_config_nodedir) return config;
      config.extraEnv = { ...config.extraEnv, npm_config_nodedir: nodePrefix };
      return config;
    },
  },
};
