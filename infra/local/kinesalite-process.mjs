// kinesalite in a process of its own, forked by emulators.ts: it keeps every record in LevelDB and computes
// sequence numbers with bignumber.js, work that would otherwise share the platform's one event loop with the
// collector, the pollers and the functions (at 1,000 events/s it took a fifth of that loop). Plain JavaScript
// so it needs no loader.
import kinesalite from 'kinesalite';

const directory = process.argv[2];
// Instant stream creation: locally there is nothing to wait for, and the runtime creates streams at start.
const server = kinesalite({
  path: directory,
  createStreamMs: 0,
  deleteStreamMs: 0,
  updateStreamMs: 0,
  shardLimit: 50,
});

// kinesalite closes its database before its server, and a request still running then (a read the stopped
// pollers abandoned) throws an uncaught error: let the requests in flight finish first.
let inFlight = 0;
let drained;
server.on('request', (_request, response) => {
  inFlight += 1;
  response.once('close', () => {
    inFlight -= 1;
    if (inFlight === 0) drained?.();
  });
});

server.listen(0, '127.0.0.1', () => process.send?.({ port: server.address().port }));

let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  if (inFlight > 0) {
    await Promise.race([
      new Promise((resolve) => {
        drained = resolve;
      }),
      new Promise((resolve) => setTimeout(resolve, 5_000).unref()),
    ]);
  }
  server.close(() => process.exit(0));
};
// The parent going away, even abruptly, closes the IPC channel.
process.on('disconnect', stop);
process.on('SIGTERM', stop);
