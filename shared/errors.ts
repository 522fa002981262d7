/** Base of every error the platform raises on purpose; anything else reaching an edge is a bug. */
export class CdpError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** Configuration or environment that a function cannot start with. */
export class ConfigurationError extends CdpError {}
