/** The background compression of cached answers: bounded, and never bringing back an invalidated entry. */
import { describe, expect, it } from 'vitest';
import { createBackgroundEncoder } from './background-encoding.js';
import { hashBody, identityBody, type EncodedBody } from './encoding.js';
import { createHotTier, type HotEntry } from './hot-tier.js';

const LARGE = 'x'.repeat(5_000);

function entryOf(text: string, tags: string[]): HotEntry {
  return { body: identityBody(text, hashBody(text)), status: 200, tags, expiresAt: Date.now() + 60_000 };
}

/** A compressor whose jobs finish only when the test says so. */
function heldCompressor() {
  const held: (() => void)[] = [];
  const compress = (body: EncodedBody) =>
    new Promise<EncodedBody>((resolve) => held.push(() => resolve({ ...body, br: Buffer.from('br'), gzip: Buffer.from('gz'), encoded: true })));
  const releaseAll = async () => {
    while (held.length > 0) {
      held.shift()?.();
      await new Promise((resolve) => setImmediate(resolve));
    }
  };
  return { compress, held, releaseAll };
}

async function ticks(): Promise<void> {
  for (let i = 0; i < 3; i += 1) await new Promise((resolve) => setImmediate(resolve));
}

describe('background encoder', () => {
  it('replaces the identity entry with its compressed forms, with ETag hash and tags unchanged', async () => {
    const hot = createHotTier(10_000_000);
    const encoder = createBackgroundEncoder({ hot });
    const entry = entryOf(LARGE, ['models']);
    hot.set('k', entry);
    const identityBytes = hot.bytes;
    expect(encoder.schedule('k', entry)).toBe(true);
    expect(encoder.schedule('k', entry)).toBe(false);
    await encoder.idle();
    const after = hot.peek('k');
    expect(after?.body.encoded).toBe(true);
    expect(after?.body.br).not.toBeNull();
    expect(after?.body.hash).toBe(entry.body.hash);
    // The budget counts the compressed forms too, and tag invalidation still finds the replaced entry.
    expect(hot.bytes).toBeGreaterThan(identityBytes);
    expect(hot.deleteTags(['models'])).toBe(1);
    expect(hot.bytes).toBe(0);
  });

  it('does not resurrect an entry invalidated while it was being compressed, nor overwrite a refill', async () => {
    const hot = createHotTier(10_000_000);
    const { compress, held, releaseAll } = heldCompressor();
    const encoder = createBackgroundEncoder({ hot, compress });
    const dropped = entryOf(LARGE, ['model:a']);
    hot.set('a', dropped);
    const refilled = entryOf(LARGE, ['model:b']);
    hot.set('b', refilled);
    encoder.schedule('a', dropped);
    encoder.schedule('b', refilled);
    await ticks();
    expect(held).toHaveLength(2);
    hot.deleteTags(['model:a']);
    const fresh = entryOf(`${LARGE}y`, ['model:b']);
    hot.set('b', fresh);
    await releaseAll();
    await encoder.idle();
    expect(hot.peek('a')).toBeUndefined();
    expect(hot.peek('b')).toBe(fresh);
  });

  it('bounds the work a flood can queue: a fixed concurrency, a short queue, the rest dropped', async () => {
    const hot = createHotTier(100_000_000);
    const { compress, held, releaseAll } = heldCompressor();
    const encoder = createBackgroundEncoder({ hot, compress, concurrency: 2, maxQueued: 5 });
    let accepted = 0;
    for (let i = 0; i < 1_000; i += 1) {
      const entry = entryOf(`${LARGE}${i}`, []);
      hot.set(`k${i}`, entry);
      if (encoder.schedule(`k${i}`, entry)) accepted += 1;
    }
    await ticks();
    expect(accepted).toBe(7);
    expect(encoder.pending).toBe(7);
    expect(held).toHaveLength(2);
    await releaseAll();
    await encoder.idle();
    expect(encoder.pending).toBe(0);
    // A dropped entry is taken when asked again, once there is room.
    const dropped = hot.peek('k999');
    expect(dropped?.body.encoded).toBe(false);
    expect(dropped !== undefined && encoder.schedule('k999', dropped)).toBe(true);
    await ticks();
    await releaseAll();
    await encoder.idle();
    expect(hot.peek('k999')?.body.encoded).toBe(true);
  });

  it('leaves small bodies alone: they are sent as they are', () => {
    const hot = createHotTier(1_000_000);
    const encoder = createBackgroundEncoder({ hot });
    const small = entryOf('{"ok":true}', []);
    hot.set('s', small);
    expect(encoder.schedule('s', small)).toBe(false);
  });
});
