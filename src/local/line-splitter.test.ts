import { describe, expect, it } from 'vitest';
import { LineSplitter } from './line-splitter.js';

describe('LineSplitter', () => {
  it('splits across chunks, strips CR, keeps a last unterminated line and multi-byte characters', async () => {
    const lines: string[] = [];
    const splitter = new LineSplitter((l) => lines.push(l));
    const euro = Buffer.from('€');
    splitter.write(Buffer.from('a\r\nb'));
    splitter.write(Buffer.concat([Buffer.from('c\n'), euro.subarray(0, 1)]));
    splitter.write(Buffer.concat([euro.subarray(1), Buffer.from('\n\ntail')]));
    await new Promise<void>((resolve) => splitter.end(resolve));
    expect(lines).toEqual(['a', 'bc', '€', '', 'tail']);
  });
  it('reports lines of two splitters in write order', () => {
    const lines: string[] = [];
    const out = new LineSplitter((l) => lines.push(`out:${l}`));
    const err = new LineSplitter((l) => lines.push(`err:${l}`));
    out.write('1\n');
    err.write('2\n');
    out.write('3\n');
    expect(lines).toEqual(['out:1', 'err:2', 'out:3']);
  });
});
