// The dependency check that `npm test` runs (scripts/test.sh): every workspace declares exactly the
// packages its code imports (no declared-but-unused, no used-but-undeclared dependency). Entry files
// are each package's exports (read from package.json), the command line, the benchmarks and tests.
import type { KnipConfig } from 'knip';

const config: KnipConfig = {
  workspaces: {
    '.': {
      entry: ['bin/cli.ts', 'bin/edge-bundle.js', 'bench/*.ts'],
      project: ['bin/**/*.{js,ts}', 'bench/**/*.ts'],
      // Loaded with createRequire(...) at run time, which static analysis cannot follow:
      // bin/edge-bundle.js builds the edge bundle with esbuild's synchronous API.
      ignoreDependencies: ['esbuild'],
    },
    'firmware-config': { project: ['src/**/*.ts'] },
    rules: { project: ['src/**/*.ts'] },
    contract: { project: ['src/**/*.ts'] },
    edge: { entry: ['src/main.ts'], project: ['src/**/*.ts'] },
    simulators: { project: ['src/**/*.ts'] },
    server: {
      project: ['src/**/*.ts'],
      // server/src/evidence/pdf-font.ts resolves the font file's path with createRequire().resolve.
      ignoreDependencies: ['@expo-google-fonts/noto-sans-sc'],
    },
    demo: { project: ['src/**/*.ts'] },
    dashboard: { project: ['src/**/*.{ts,tsx}'] },
    tests: { entry: ['**/*.test.ts'], project: ['**/*.ts'] },
  },
  // System programs the tests and the demo start (installed by scripts/provision.sh).
  ignoreBinaries: ['socat', 'mosquitto', 'influxd', 'pdftotext', 'pdffonts', 'pdftoppm', 'openssl'],
};

export default config;
