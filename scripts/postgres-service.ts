// Runs the embedded PostgreSQL for `npm start` as a separate process, started in its own process
// group so that Ctrl-C reaches the worker first and the database stops last. Prints one line,
// `ready <url>`, once it accepts connections; stops the server on SIGTERM.
import { startEmbeddedPostgres } from '../infra/embedded-postgres';
import { stopWhenParentExits } from '../infra/parent';

const [dataDir, port, database] = process.argv.slice(2);
if (!dataDir || !port || !database) {
  console.error('usage: postgres-service <data-dir> <port> <database>');
  process.exit(2);
}

async function main(): Promise<void> {
  const server = await startEmbeddedPostgres({
    dataDir: dataDir!,
    port: Number(port),
    persistent: true,
    onLog: (line) => {
      if (/FATAL|PANIC|reusing/.test(line)) console.error(`postgres: ${line}`);
    },
  });
  await server.createDatabase(database!).catch((error: { code?: string }) => {
    if (error.code !== '42P04') throw error; // 42P04: already exists
  });
  console.log(`ready ${server.urlFor(database!)}`);
  // embedded-postgres's own exit hook exits as soon as the servers it started are down; this
  // process may instead have adopted a server an earlier run left behind, so it stops it itself.
  process.removeAllListeners('SIGTERM');
  process.removeAllListeners('SIGINT');
  const stop = () => {
    void server.stop().then(() => process.exit(0));
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  stopWhenParentExits();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
