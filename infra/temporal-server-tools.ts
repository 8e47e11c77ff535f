// The real Temporal server's binaries (server, SQL schema tool, Web UI server) and its PostgreSQL
// schema files, built from the Go module proxy by scripts/setup-temporal-server.sh into
// .tools/temporal-server/<version>/. Only the PostgreSQL-backed path needs them (README, "Temporal
// on PostgreSQL"); the dev server of scripts/setup-tools.sh stays the default.
import { execFileSync } from 'node:child_process';
import path from 'node:path';

const SETUP_SCRIPT = path.resolve(__dirname, '..', 'scripts', 'setup-temporal-server.sh');

export interface TemporalServerTools {
  server: string;
  sqlTool: string;
  uiServer: string;
  /** schema/postgresql/v12: `temporal/versioned` and `visibility/versioned` inside. */
  postgresSchemaDir: string;
}

export function toolsIn(dir: string): TemporalServerTools {
  return {
    server: path.join(dir, 'temporal-server'),
    sqlTool: path.join(dir, 'temporal-sql-tool'),
    uiServer: path.join(dir, 'temporal-ui-server'),
    postgresSchemaDir: path.join(dir, 'schema', 'postgresql', 'v12'),
  };
}

/**
 * Builds the binaries when they are missing (minutes, once per version; its progress goes to this
 * process's stderr) and says where they are. Seconds when they exist. `ui: false` for callers that
 * start no Web UI: its binary is then neither built nor required.
 */
export function ensureTemporalServerTools(options: { ui?: boolean } = {}): TemporalServerTools {
  const env = { ...process.env, TEMPORAL_SERVER_UI: options.ui === false ? '0' : '1' };
  const dir = execFileSync('bash', [SETUP_SCRIPT], { stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8', env }).trim().split('\n').pop()!;
  return toolsIn(dir);
}
