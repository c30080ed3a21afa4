import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { ChildOutput, FixedBytes } from '../../../shared/media/child-output.ts';

/** A child that writes `total` bytes (i mod 251) to its stdout in writes of `chunk`, some after a pause. */
function writer(output: ChildOutput, total: number, chunk: number) {
  const script = `
    const total = ${total}, chunk = ${chunk};
    const data = Buffer.alloc(total); for (let i = 0; i < total; i++) data[i] = i % 251;
    let at = 0;
    const next = () => { if (at >= total) return; process.stdout.write(data.subarray(at, at + chunk), () => { at += chunk; at % (chunk * 5) === 0 ? setTimeout(next, 2) : next(); }); };
    next();`;
  const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', output.childEnd, 'inherit'] });
  output.handedOver();
  return new Promise<number | null>((resolve) => child.once('close', resolve));
}

describe('ChildOutput', () => {
  it("hands a child's output to sinks of any size, in order, whatever the child's writes", async () => {
    const total = 1_000_003;
    const output = await ChildOutput.open();
    const exited = writer(output, total, 70_001);
    let received = 0;
    let inOrder = true;
    try {
      const size = 196_608;
      const sink = new FixedBytes(new Uint8Array(size));
      while (await output.fill(sink.reset())) {
        for (let i = 0; i < size; i++) inOrder &&= sink.bytes[i] === (received + i) % 251;
        received += size;
      }
    } finally {
      output.destroy();
    }
    expect(await exited).toBe(0);
    // Five whole sinks of 196,608 bytes; the last 16,963 bytes never fill a sixth.
    expect(received).toBe(5 * 196_608);
    expect(inOrder).toBe(true);
  });

  it('ends with the error it was failed with', async () => {
    const output = await ChildOutput.open();
    output.fail(new Error('no such program'));
    await expect(output.fill(new FixedBytes(new Uint8Array(1)))).rejects.toThrow('no such program');
    output.destroy();
  });
});
