import { createServer, type Socket } from 'node:net';

/**
 * Just enough of a Redis server for a gateway to start on (PING, INFO's ready check, CLIENT
 * SETNAME; anything else answers +OK), which a test can then take away: `close()` drops every
 * connection and stops listening, so the instance loses its counter store after start-up.
 */
export interface FakeRedis {
  url: string;
  close(): Promise<void>;
}

/** Reads complete RESP arrays of bulk strings from `buf`; returns the commands and what is left. */
function parseCommands(buf: Buffer): { commands: string[][]; rest: Buffer } {
  const commands: string[][] = [];
  let at = 0;
  for (;;) {
    const start = at;
    const line = (): string | undefined => {
      const end = buf.indexOf('\r\n', at);
      if (end < 0) return undefined;
      const text = buf.toString('utf8', at, end);
      at = end + 2;
      return text;
    };
    const head = line();
    if (head === undefined || !head.startsWith('*')) return { commands, rest: buf.subarray(start) };
    const parts: string[] = [];
    for (let i = 0; i < Number(head.slice(1)); i++) {
      const len = line();
      if (len === undefined || at + Number(len.slice(1)) + 2 > buf.length) return { commands, rest: buf.subarray(start) };
      parts.push(buf.toString('utf8', at, at + Number(len.slice(1))));
      at += Number(len.slice(1)) + 2;
    }
    commands.push(parts);
  }
}

export async function startFakeRedis(): Promise<FakeRedis> {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    let pending: Buffer = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      const { commands, rest } = parseCommands(Buffer.concat([pending, chunk]));
      pending = rest;
      for (const [name] of commands) {
        const cmd = name.toUpperCase();
        if (cmd === 'PING') socket.write('+PONG\r\n');
        else if (cmd === 'INFO') socket.write('$11\r\nloading:0\r\n\r\n');
        else socket.write('+OK\r\n');
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `redis://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
