/** A backup or restore that cannot go on; the message says why and what to do, and is shown as it is. */
export class BackupError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'BackupError';
  }
}
