import { Agent, request } from 'node:http';

/**
 * PUTs JSON through `node:http` on kept-alive sockets, one per writer. `fetch` (undici: WHATWG streams,
 * Headers objects) cost this load generator more CPU per request, on the same two cores the server and
 * Postgres need: a lighter client leaves more of the machine to what is measured.
 */
export class KeepAliveClient {
  readonly #agent: Agent;

  constructor(
    private readonly baseUrl: string,
    private readonly headers: Record<string, string>,
    sockets: number,
  ) {
    this.#agent = new Agent({ keepAlive: true, maxSockets: sockets });
  }

  /** Resolves with the status once the whole response has been read. */
  put(path: string, body: string): Promise<number> {
    return new Promise((resolve, reject) => {
      const outgoing = request(
        new URL(path, this.baseUrl),
        {
          method: 'PUT',
          agent: this.#agent,
          headers: { ...this.headers, 'content-length': Buffer.byteLength(body) },
        },
        (response) => {
          response.resume();
          response.on('end', () => resolve(response.statusCode ?? 0));
          response.on('error', reject);
        },
      );
      outgoing.on('error', reject);
      outgoing.end(body);
    });
  }

  close(): void {
    this.#agent.destroy();
  }
}
