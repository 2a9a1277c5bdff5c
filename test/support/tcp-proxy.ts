// A TCP proxy in front of one or more local ports: round-robin over the targets that accept a
// connection, as a load balancer does in front of scheduler replicas, and a cut that stops or
// drops its traffic without touching either side's process.
import { connect, createServer, type Server, type Socket } from 'node:net';

/** `hold`: every byte waits in the socket buffers (a network partition). `reset`: connections drop and new ones are refused (the far side is gone). */
export type Cut = 'hold' | 'reset';

export class TcpProxy {
  private readonly pairs = new Set<[Socket, Socket]>();
  private server: Server | undefined;
  private cut: Cut | null = null;
  private next = 0;

  constructor(private readonly targetPorts: readonly number[]) {}

  /** Listens on an ephemeral loopback port and returns it. */
  async listen(): Promise<number> {
    this.server = createServer((client) => {
      client.on('error', () => client.destroy());
      if (this.cut === 'reset') client.destroy();
      else this.connectUpstream(client, this.next++ % this.targetPorts.length, this.targetPorts.length);
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return (this.server.address() as { port: number }).port;
  }

  stop(cut: Cut = 'hold'): void {
    this.cut = cut;
    for (const pair of this.pairs) {
      if (cut === 'hold') this.hold(pair);
      else pair.forEach((socket) => socket.destroy());
    }
  }

  /** Holds the traffic of the connections open now, as a NAT that forgot them would; new ones flow. */
  stallExisting(): void {
    for (const pair of this.pairs) this.hold(pair);
  }

  heal(): void {
    this.cut = null;
    for (const pair of this.pairs) this.flow(pair);
  }

  async close(): Promise<void> {
    for (const pair of this.pairs) pair.forEach((socket) => socket.destroy());
    await new Promise((resolve) => this.server?.close(resolve));
  }

  /** Tries the targets in turn from `index`; a client no target accepts is dropped. */
  private connectUpstream(client: Socket, index: number, triesLeft: number): void {
    if (triesLeft === 0 || client.destroyed) {
      client.destroy();
      return;
    }
    const upstream = connect(this.targetPorts[index]!, '127.0.0.1');
    upstream.once('error', () => {
      upstream.destroy();
      this.connectUpstream(client, (index + 1) % this.targetPorts.length, triesLeft - 1);
    });
    upstream.once('connect', () => {
      upstream.removeAllListeners('error');
      const pair: [Socket, Socket] = [client, upstream];
      this.pairs.add(pair);
      const forget = () => {
        this.pairs.delete(pair);
        client.destroy();
        upstream.destroy();
      };
      client.on('close', forget);
      upstream.on('error', forget).on('close', forget);
      if (this.cut === 'reset' || client.destroyed) forget();
      else if (this.cut === 'hold') this.hold(pair);
      else this.flow(pair);
    });
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
