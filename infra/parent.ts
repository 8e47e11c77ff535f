// A service started by `npm start` stops gracefully when that parent goes away (even if it was
// killed), instead of living on as an orphan.
export function stopWhenParentExits(signal: NodeJS.Signals = 'SIGTERM'): void {
  if (!process.send) return;
  process.on('disconnect', () => process.kill(process.pid, signal));
  // The channel alone must not keep the process alive once its work is done.
  process.channel?.unref();
}
