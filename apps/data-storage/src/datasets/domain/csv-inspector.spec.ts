import type * as NodeBuffer from 'node:buffer';
import { CsvInspector, firstInvalidUtf8 } from './csv-inspector';
import { CsvInvalidError } from './storage-errors';

function inspect(text: string | Buffer, chunkSize = 1 << 20): ReturnType<CsvInspector['finish']> {
  const bytes = typeof text === 'string' ? Buffer.from(text, 'utf8') : text;
  const inspector = new CsvInspector();
  for (let i = 0; i < bytes.length; i += chunkSize) inspector.push(bytes.subarray(i, i + chunkSize));
  return inspector.finish();
}

function refusal(text: string | Buffer, chunkSize?: number): { line: number; problem: string } {
  try {
    inspect(text, chunkSize);
  } catch (error) {
    if (error instanceof CsvInvalidError) return { line: error.line, problem: error.problem };
    throw error;
  }
  throw new Error('accepted');
}

describe('CsvInspector', () => {
  it('infers numeric, date and categorical columns from every value and counts rows', () => {
    const csv = 'id,age,visit,sex,score\n1,34,2024-01-31,F,1.5e2\n2,,2024-02-29,M,-.5\n3,NA,,F,+7\n';
    expect(inspect(csv)).toEqual({
      rowCount: 3,
      // Each numeric column's range, read in the same pass (missing values skipped): the default grid comes from it.
      ranges: new Map([
        ['id', { min: 1, max: 3 }],
        ['age', { min: 34, max: 34 }],
        ['score', { min: -0.5, max: 150 }],
      ]),
      columns: [
        { name: 'id', type: 'numeric', integer: true },
        { name: 'age', type: 'numeric', integer: true },
        { name: 'visit', type: 'date' },
        { name: 'sex', type: 'categorical' },
        { name: 'score', type: 'numeric' },
      ],
    });
  });

  it('gives the same answer whatever the chunk boundaries, with quotes, CRLF, a BOM and multi-byte text', () => {
    const csv = '\uFEFFname,"note, with comma",n\r\n"Zoë","line one\r\nline two",1\r\n"a ""quoted"" word","x",2\r\n';
    const whole = inspect(csv);
    for (const size of [1, 2, 3, 5, 7]) expect(inspect(csv, size)).toEqual(whole);
    expect(whole.columns.map((c) => c.name)).toEqual(['name', 'note, with comma', 'n']);
    expect(whole.rowCount).toBe(2);
    expect(whole.columns[2]?.type).toBe('numeric');
  });

  it('treats a value that is not a number or a real date as categorical', () => {
    expect(inspect('a,b\n1,2024-02-30\nx,2024-01-01\n').columns.map((c) => c.type)).toEqual(['categorical', 'categorical']);
    expect(inspect('a\n1e999\n').columns[0]?.type).toBe('categorical');
    expect(inspect('a\nNA\n\n'.replace('\n\n', '\n')).columns[0]?.type).toBe('categorical');
  });

  it('marks integer columns that fit 64 bits, and only those', () => {
    const columns = inspect('a,b,c,d\n1,1.0,12345678901234567890,-7\n2,2,3,+8\n').columns;
    expect(columns.map((c) => c.integer ?? false)).toEqual([true, false, false, true]);
  });

  it('refuses ragged rows naming the line', () => {
    expect(refusal('a,b\n1,2\n3,4,5\n6,7\n')).toEqual({ line: 3, problem: 'expected 2 fields (as in the header), found more' });
    expect(refusal('a,b\n1,2\n3\n')).toEqual({ line: 3, problem: 'expected 2 fields (as in the header), found 1' });
    // A quoted line break does not shift the line that is reported.
    expect(refusal('a,b\n"x\ny",2\n3\n').line).toBe(4);
  });

  it('refuses a file without a header, an empty file and a header without rows', () => {
    expect(refusal('1,2\n3,4\n')).toEqual({ line: 1, problem: 'no header: the first line holds values, not column names' });
    expect(refusal('')).toEqual({ line: 0, problem: 'the file is empty' });
    expect(refusal('a,b\n').problem).toBe('the file has a header but no data rows');
    expect(refusal('a,,c\n1,2,3\n').problem).toBe('column 2 has no name');
    expect(refusal('a,a\n1,2\n').problem).toBe('column 2 has the same name as an earlier column');
  });

  it('refuses binary garbage, stray quotes, empty lines and unclosed quotes', () => {
    expect(refusal(Buffer.from([0x61, 0x0a, 0x31, 0x0a, 0x00, 0x01, 0x02]))).toEqual({ line: 3, problem: 'control character 0x00 (binary data?)' });
    expect(refusal(Buffer.concat([Buffer.from('a,b\n1,2\n'), Buffer.from([0xff, 0xfe, 0x41])])).line).toBe(3);
    expect(refusal('a,b\n1,x"y\n').problem).toMatch(/double quote inside an unquoted field/);
    expect(refusal('a,b\n1,2\n\n3,4\n')).toEqual({ line: 3, problem: 'empty line' });
    expect(refusal('a,b\r\n1,2\r\n\r\n3,4\r\n')).toEqual({ line: 3, problem: 'empty line' });
    expect(refusal('a,b\n1,"open\n2,3\n')).toEqual({ line: 2, problem: 'a quoted field is never closed' });
    expect(refusal('a,b\n1,"x"y\n').problem).toMatch(/after a closing quote/);
  });

  describe('a byte that is not UTF-8', () => {
    // The module object the inspector calls isUtf8 on (an `import * as` would give a copy).
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const nodeBuffer = require('node:buffer') as typeof NodeBuffer;

    afterEach(() => {
      jest.restoreAllMocks();
    });

    it('is found in linear work in a multi-megabyte chunk, and its line named', () => {
      // Over 4 MiB of rows in one chunk, the bad byte on the last line: re-validating every prefix would be ~10^13 bytes of work.
      const rows = 'id,name\n' + Array.from({ length: 260_000 }, (_, i) => `${i},patient ${i}`).join('\n') + '\n';
      const input = Buffer.concat([Buffer.from(rows), Buffer.from('260000,Zo'), Buffer.from([0xc3, 0x28]), Buffer.from('\n')]);
      expect(input.length).toBeGreaterThan(4 << 20);
      // Counted, not timed: the bytes handed to the native UTF-8 check stay a small multiple of the input.
      const isUtf8 = nodeBuffer.isUtf8.bind(nodeBuffer);
      let examined = 0;
      jest.spyOn(nodeBuffer, 'isUtf8').mockImplementation((data) => {
        examined += data.byteLength;
        if (examined > 4 * input.length) throw new Error(`the UTF-8 check examined ${examined} bytes of a ${input.length}-byte input`);
        return isUtf8(data);
      });
      expect(refusal(input, 5 << 20)).toEqual({ line: 260_002, problem: 'the file is not UTF-8 text (binary data?)' });
      expect(examined).toBeLessThanOrEqual(4 * input.length);
    });

    it('is located where isUtf8 says a prefix stops being UTF-8, on random bytes and text', () => {
      let seed = 7;
      const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31);
      const pieces = [Buffer.from('aé€😀'), Buffer.from([0xc0, 0xaf]), Buffer.from([0xe0, 0x80, 0x80]), Buffer.from([0xed, 0xa0, 0x80]), Buffer.from([0xf4, 0x90, 0x80, 0x80]), Buffer.from([0xf5]), Buffer.from([0x80])];
      for (let round = 0; round < 3000; round++) {
        const parts: Buffer[] = [];
        for (let k = next() % 6; k >= 0; k--) parts.push(next() % 3 === 0 ? Buffer.from([next() % 256]) : (pieces[next() % pieces.length] as Buffer));
        const buf = Buffer.concat(parts);
        const at = firstInvalidUtf8(buf);
        if (at < buf.length) {
          expect(nodeBuffer.isUtf8(buf.subarray(0, at))).toBe(true);
          expect(nodeBuffer.isUtf8(buf.subarray(0, Math.min(buf.length, at + 4)))).toBe(false);
        }
        // Nothing ill-formed found: the buffer is UTF-8, or only its last sequence is cut short.
        else expect([0, 1, 2, 3].some((cut) => nodeBuffer.isUtf8(buf.subarray(0, buf.length - cut)))).toBe(true);
      }
    });
  });
});
