// Why the server could not listen, as one line an operator can act on; undefined for an error
// that is not about the address (it keeps its stack trace).

export function listenProblem(
  error: unknown,
  address: {
    readonly PORT: number;
    readonly HOST: string;
    readonly ADMIN_PORT?: number | undefined;
  },
): string | undefined {
  const { code, port } = (error ?? {}) as { code?: unknown; port?: unknown };
  // Node's listen error names the port it tried: the admin listener's, or the API's.
  const variable = port !== undefined && port === address.ADMIN_PORT ? 'ADMIN_PORT' : 'PORT';
  const where = `port ${variable === 'PORT' ? address.PORT : address.ADMIN_PORT} on ${address.HOST}`;
  if (code === 'EADDRINUSE') {
    return `Cannot listen: ${where} is already in use (another TeamFlow, or another server): stop it, or set ${variable} to a free port`;
  }
  if (code === 'EACCES') {
    return `Cannot listen: ${where} needs privileges this process lacks: set ${variable} to 1024 or above`;
  }
  if (code === 'EADDRNOTAVAIL') {
    return `Cannot listen: ${address.HOST} is not an address of this machine: set HOST (0.0.0.0 for every interface)`;
  }
  return undefined;
}
