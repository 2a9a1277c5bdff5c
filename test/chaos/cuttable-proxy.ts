// A TCP proxy whose traffic can be stopped and let through again, to cut the network between an
// agent and the scheduler without touching either process.
import { connect, createServer, type Server, type Socket } from 'node:net';

export class CuttableProxy {
  private readonly pairs = new Set<[Socket, Socket]>();
  private server: Server | undefined;
  private cut = false;

  constructor(private readonly targetPort: number) {}

  async listen(): Promise<string> {
    this.server = createServer((client) => {
      const upstream = connect(this.targetPort, '127.0.0.1');
      const pair: [Socket, Socket] = [client, upstream];
      this.pairs.add(pair);
      const forget = () => {
        this.pairs.delete(pair);
        client.destroy();
        upstream.destroy();
      };
      client.on('error', forget).on('close', forget);
      upstream.on('error', forget).on('close', forget);
      if (this.cut) this.hold(pair);
      else this.flow(pair);
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as { port: number }).port}`;
  }

  /** Stops every byte in both directions; what is sent meanwhile waits in the socket buffers. */
  stop(): void {
    this.cut = true;
    for (const pair of this.pairs) this.hold(pair);
  }

  heal(): void {
    this.cut = false;
    for (const pair of this.pairs) this.flow(pair);
  }

  async close(): Promise<void> {
    for (const [client, upstream] of this.pairs) {
      client.destroy();
      upstream.destroy();
    }
    await new Promise((resolve) => this.server?.close(resolve));
  }

  private hold([client, upstream]: [Socket, Socket]): void {
    client.unpipe(upstream);
    upstream.unpipe(client);
    client.pause();
    upstream.pause();
  }

  private flow([client, upstream]: [Socket, Socket]): void {
    client.pipe(upstream);
    upstream.pipe(client);
  }
}
