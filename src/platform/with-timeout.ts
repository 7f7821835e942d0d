/**
 * Bounds a wait on something that may never answer (Redis gone, a probe stuck): rejects with `message`
 * after `ms`. The call itself may still complete later; its eventual rejection is swallowed so it never
 * surfaces as an unhandled rejection.
 */
export async function withTimeout<T>(promise: Promise<T>, ms: number, message = `no answer within ${ms} ms`): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
  });
  promise.catch(() => undefined);
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
