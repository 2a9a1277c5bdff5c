// Requests node's HTTP parser refuses before any route sees them (headers over the size limit, a
// malformed request line, a request that took too long) get a problem body like every other
// refusal instead of node's bare status line.
import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import type { Socket } from 'node:net';
import { problemTypes, type Problem } from './problem.js';

function problemFor(code: string | undefined): Problem {
  switch (code) {
    case 'HPE_HEADER_OVERFLOW':
      return { type: problemTypes.headersTooLarge, title: 'Request headers too large', status: 431, detail: 'The request line and headers exceed the server\'s limit (16 KiB).' };
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return { type: problemTypes.requestTimeout, title: 'Request timeout', status: 408, detail: 'The request did not arrive whole in time.' };
    default:
      return { type: problemTypes.invalidInput, title: 'Malformed HTTP request', status: 400, detail: 'The request could not be parsed as HTTP/1.1.' };
  }
}

const reasons: Record<number, string> = { 400: 'Bad Request', 408: 'Request Timeout', 431: 'Request Header Fields Too Large' };

export function answerClientErrors(server: Pick<Server, 'on'>): void {
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Socket) => {
    // As node does without this listener: answer unless the connection was reset or an answer
    // has begun, then close it, since the client may still be sending.
    if (error.code !== 'ECONNRESET' && socket.writable && socket.bytesWritten === 0) {
      const problem = problemFor(error.code);
      const body = JSON.stringify(problem);
      // Every answer carries a request id; one the client offered cannot be read from a request node refused.
      socket.write(
        `HTTP/1.1 ${problem.status} ${reasons[problem.status]}\r\ncontent-type: application/problem+json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nx-request-id: ${randomUUID()}\r\nconnection: close\r\n\r\n${body}`,
      );
    }
    socket.destroy();
  });
}
