// s3rver in a process of its own, forked by emulators.ts: s3rver encrypts ListObjects continuation tokens
// with DES, which OpenSSL 3 only offers through its legacy provider, and that flag should not apply to the
// rest of the platform. Plain JavaScript so it needs no loader.
import S3rver from 's3rver';

const directory = process.argv[2];
const server = new S3rver({ address: '127.0.0.1', port: 0, directory, silent: true });
// S3 event notifications (AWS's record format) go to the parent, which invokes the functions they trigger.
server.on('event', (event) => process.send?.({ event }));
const address = await server.run();
process.send?.({ port: address.port });

const stop = async () => {
  await server.close();
  process.exit(0);
};
// The parent going away, even abruptly, closes the IPC channel.
process.on('disconnect', stop);
process.on('SIGTERM', stop);
