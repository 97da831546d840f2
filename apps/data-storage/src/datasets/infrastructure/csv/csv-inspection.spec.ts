import type * as NodeBuffer from 'node:buffer';
import { CsvInvalidError } from '../../domain/storage-errors';
import { CsvInspection, CsvInspector } from './csv-inspection';
import { csvReaderBackEnd, type CsvReaderKind } from './csv-reader';
import { firstInvalidUtf8 } from './csv-tokenizer';

type Schema = ReturnType<CsvInspector['finish']>;

function inspectWith(kind: CsvReaderKind | undefined, text: string | Buffer, chunkSize: number | number[] = 1 << 20): Schema {
  const bytes = typeof text === 'string' ? Buffer.from(text, 'utf8') : text;
  const inspector = new CsvInspector({}, kind);
  const sizes = typeof chunkSize === 'number' ? [chunkSize] : chunkSize;
  for (let i = 0, k = 0; i < bytes.length; k++) {
    const size = sizes[k % sizes.length] as number;
    inspector.push(bytes.subarray(i, i + size));
    i += size;
  }
  return inspector.finish();
}

/** The schema, or the refusal's line and problem. */
function outcome(kind: CsvReaderKind | undefined, text: string | Buffer, chunkSize?: number | number[]): Schema | { line: number; problem: string } {
  try {
    return inspectWith(kind, text, chunkSize);
  } catch (error) {
    if (error instanceof CsvInvalidError) return { line: error.line, problem: error.problem };
    throw error;
  }
}

function refusalWith(kind: CsvReaderKind | undefined, text: string | Buffer, chunkSize?: number): { line: number; problem: string } {
  const result = outcome(kind, text, chunkSize);
  if ('columns' in result) throw new Error('accepted');
  return result;
}

/** The JavaScript reader, for the tests of its own UTF-8 search. */
const inspect = (text: string | Buffer, chunkSize?: number): Schema => inspectWith('javascript', text, chunkSize);
const refusal = (text: string | Buffer, chunkSize?: number): { line: number; problem: string } => refusalWith('javascript', text, chunkSize);

it('the native reader is built and loads (npm install builds libs/csv-native)', () => {
  expect(csvReaderBackEnd()).toEqual({ kind: 'native' });
});

// Every case below runs against both readers: the native one the uploads use and the JavaScript one
// it falls back to.
describe.each(['native', 'javascript'] as const)('CsvInspector (tokenizer + type inference), %s reader', (kind) => {
  const inspect = (text: string | Buffer, chunkSize?: number): Schema => inspectWith(kind, text, chunkSize);
  const refusal = (text: string | Buffer, chunkSize?: number): { line: number; problem: string } => refusalWith(kind, text, chunkSize);

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

  // The behaviour of the streaming inspector as it was written in JavaScript, pinned case by case so
  // that any reader that replaces it (faster, native, in another thread) answers exactly the same.
  describe('pinned behaviour', () => {
    const refusals: [string, string | Buffer, number, string][] = [
      ['a carriage return alone', 'a,b\r1,2\n', 1, 'a carriage return not followed by a line feed'],
      ['a carriage return at the end', 'a,b\n1,2\r', 2, 'a carriage return not followed by a line feed'],
      ['a control character in a quoted field', 'a,b\n1,"x\u0001"\n', 2, 'control character 0x01 (binary data?)'],
      ['a control character in a header', 'a\u0002,b\n1,2\n', 1, 'control character 0x02 (binary data?)'],
      ['a stray quote, naming the field', 'a,b\n1,x"y\n', 2, 'a double quote inside an unquoted field (field 2)'],
      ['text after a closing quote, naming the field', 'a,b\n"1"x,2\n', 2, 'unexpected character after a closing quote (field 1)'],
      ['an empty header line', '\na,b\n1,2\n', 1, 'the header line is empty'],
      ['an empty line in a one-column file', 'a\n1\n\n2\n', 3, 'empty line'],
      ['a quote left open on an earlier line', 'a,b\n1,2\n3,"x\n\n', 3, 'a quoted field is never closed'],
      ['ragged rows after CRLF inside quotes', 'a,b\r\n"x\r\ny",2\r\n3\r\n', 4, 'expected 2 fields (as in the header), found 1'],
      ['too few fields on the last line, no line break', 'a,b,c\n1,2,3\n4,5', 3, 'expected 3 fields (as in the header), found 2'],
      ['a header of only numbers and dates', '1,2024-01-01\nx,y\n', 1, 'no header: the first line holds values, not column names'],
      ['a blank column name', 'a, \n1,2\n', 1, 'column 2 has no name'],
      ['a column name over 256 characters', `${'n'.repeat(257)},b\n1,2\n`, 1, 'column name 1 is longer than 256 characters'],
      ['more than 1000 columns', `${Array.from({ length: 1002 }, (_, i) => `c${i}`).join(',')}\n`, 1, 'more than 1000 columns'],
      ['only a byte order mark', '\uFEFF', 0, 'the file is empty'],
      ['a file that ends inside a UTF-8 character', Buffer.concat([Buffer.from('a\n1\n'), Buffer.from([0xc3])]), 3, 'the file ends inside a multi-byte UTF-8 character (binary data or truncated file?)'],
      ['an overlong UTF-8 form', Buffer.concat([Buffer.from('a,b\n1,2\n3,'), Buffer.from([0xc0, 0xaf]), Buffer.from('\n')]), 3, 'the file is not UTF-8 text (binary data?)'],
      ['a lone 0xFE after a BOM-like character in the middle', Buffer.concat([Buffer.from('a\n\uFEFFx\n'), Buffer.from([0xfe]), Buffer.from('\n')]), 3, 'the file is not UTF-8 text (binary data?)'],
    ];

    it.each(refusals)('refuses %s, naming the line, whatever the chunk boundaries', (_name, text, line, problem) => {
      for (const size of [1, 2, 3, 5, 7, 1 << 20]) expect(refusal(text, size)).toEqual({ line, problem });
    });

    it('accepts the last row without a line break, a trailing empty field, quoted missing values and tabs', () => {
      expect(inspect('a,b\n1,2').rowCount).toBe(1);
      const trailing = inspect('a,b\n1,\n2,');
      expect(trailing.rowCount).toBe(2);
      expect(trailing.columns).toEqual([{ name: 'a', type: 'numeric', integer: true }, { name: 'b', type: 'categorical' }]);
      const quotedMissing = inspect('a,b\n1,""\n2,"NA"\n3,NA\n');
      expect(quotedMissing.columns[1]).toEqual({ name: 'b', type: 'categorical' });
      expect(quotedMissing.ranges).toEqual(new Map([['a', { min: 1, max: 3 }]]));
      expect(inspect('a,b\n1,x\ty\n').columns[1]?.type).toBe('categorical');
      expect(inspect('a,b\n,1\n2,\n').rowCount).toBe(2);
    });

    it('reads header names unquoted and unescaped, and keeps a leading BOM out of them', () => {
      expect(inspect('"a ""b""",c\n1,2\n').columns.map((c) => c.name)).toEqual(['a "b"', 'c']);
      expect(inspect('\uFEFF"x",y\r\n1,2\r\n').columns.map((c) => c.name)).toEqual(['x', 'y']);
      expect(inspect('a,1\n2,3\n').columns.map((c) => c.name)).toEqual(['a', '1']);
    });

    it('types numbers strictly: what DuckDB casts to DOUBLE, without spaces, words or huge exponents', () => {
      const numeric = ['1', '-2', '+3', '1.', '.5', '-.5', '1e5', '1E+05', '2.5e-3', '0007', '1e308'];
      const not = [' 1', '1 ', 'inf', 'NaN', '0x10', '1_000', '1e', 'e5', '.', '-', '1e1000', '1e400', '1.2.3', '1,5', '1e+', '١'];
      for (const v of numeric) expect([v, inspect(`a\n"${v}"\n0\n`).columns[0]?.type]).toEqual([v, 'numeric']);
      for (const v of not) expect([v, inspect(`a\n"${v}"\n0\n`).columns[0]?.type]).toEqual([v, 'categorical']);
      // Quoted values are typed by their content; a field longer than any number is text.
      expect(inspect('a\n"12"\n"3.5"\n').columns[0]).toEqual({ name: 'a', type: 'numeric' });
      expect(inspect(`a\n${'1'.repeat(60)}\n`).columns[0]?.type).toBe('categorical');
      expect(inspect(`a\n${'1'.repeat(40)}\n`).columns[0]).toEqual({ name: 'a', type: 'numeric' });
    });

    it('marks integers of at most 18 digits, and ranges every numeric column exactly as Number() reads it', () => {
      const types = inspect('a,b,c,d,e\n123456789012345678,1234567890123456789,-0,1e3,1.0\n1,1,+0,2,2\n').columns.map((c) => c.integer ?? false);
      expect(types).toEqual([true, false, true, false, false]);
      const values = ['0.1', '0.30000000000000004', '123456789.123456789', '9007199254740993', '-1.5e-7', '4.9e-324', '1.7976931348623157e308', '12345678901234567890123', '.000001', '5e-1',
        '12345678', '99999999', '1234567.', '.1234567', '1234.567', '0.000001', '00000001', '7', '1.5'];
      const { ranges } = inspect(`x\n${values.join('\n')}\n`);
      const numbers = values.map(Number);
      expect(ranges?.get('x')).toEqual({ min: Math.min(...numbers), max: Math.max(...numbers) });
      for (const v of values) expect([v, inspect(`x\n${v}\n`).ranges?.get('x')]).toEqual([v, { min: Number(v), max: Number(v) }]);
    });

    it('types dates as YYYY-MM-DD with a real calendar day, and a column of numbers and dates as text', () => {
      expect(inspect('d\n2000-02-29\n2024-12-31\nNA\n').columns[0]?.type).toBe('date');
      for (const v of ['1900-02-29', '2023-02-29', '2024-04-31', '2024-13-01', '2024-00-10', '2024-1-01', '2024/01/01', '20240101x', ' 2024-01-01']) {
        expect([v, inspect(`d\n"${v}"\n2024-01-01\n`).columns[0]?.type]).toEqual([v, 'categorical']);
      }
      expect(inspect('d\n2024-01-01\n5\n').columns[0]?.type).toBe('categorical');
    });
  });

});

describe('the JavaScript reader\'s UTF-8 search', () => {
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

describe('native and JavaScript readers on random files', () => {
  // Files assembled from the pieces both readers have rules for (numbers at the edges of the fast
  // paths — the native reader's loop-free one takes up to 8 bytes of digits with one '.' —, dates, missing values, quotes, CR/LF, a BOM, multi-byte and invalid UTF-8, control
  // characters, long fields), mostly well formed, cut into random chunks: the two must agree on
  // every schema (types, ranges to the bit, row count) and every refusal (line and problem).
  const values = ['1', '-2', '+3', '0', '-0', '1.', '.5', '-.5', '1e5', '1E+05', '2.5e-3', '1e308', '1e309', '1e-400', '-1e-400', '4.9e-324',
    '0.1', '0.30000000000000004', '123456789012345678', '1234567890123456789', '9007199254740993', '12345678901234567890123', '1e1000',
    '2024-02-29', '2023-02-29', '2000-02-29', '1900-02-29', '2024-13-01', '2024-1-01', 'NA', '', 'x', 'Zoë', '€', '😀', 'a b', ' 1', 'inf',
    '"q"', '"a,b"', '"a ""b"""', '"line\nbreak"', '"cr\r\nlf"', '"12"', '"NA"', '""', '1'.repeat(48), '1'.repeat(49), '9'.repeat(16), 'n'.repeat(1030),
    '12345678', '1234567.', '.1234567', '1234.567', '23.45', '123456789', '1.2.3', '12.5x', '1.-5'];
  const noise = [Buffer.from('"'), Buffer.from('\r'), Buffer.from('\n'), Buffer.from(','), Buffer.from([0x01]), Buffer.from([0xff]), Buffer.from([0xc3]),
    Buffer.from([0xe2, 0x82]), Buffer.from('\uFEFF'), Buffer.from('x"y'), Buffer.from('"x"y')];

  /**
   * Random files cut into random chunks, compared for `ms` (or `count` files, and at least `least`):
   * `rows` data rows at most, a value drawn from `values` one time in `oddOneIn` (else a plain one, as
   * most of a real file is).
   */
  function compareOnRandomFiles({ count, least, ms, rows, oddOneIn, sizes }: { count: number; least: number; ms: number; rows: number; oddOneIn: number; sizes: (next: (n: number) => number) => number[] }) {
    // CSV_FUZZ_SEED: another seed, to search further by hand.
    let seed = Number(process.env.CSV_FUZZ_SEED ?? 20261207);
    const next = (n: number): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31) % n;
    const plain = ['1', '23', '456', '7.5', '12.25', 'NA', '', 'ab', '2024-03-01', '-4', '1234567'];
    const deadline = Date.now() + ms;
    let files = 0;
    let refused = 0;
    while (files < count && Date.now() < deadline) {
      const width = 1 + next(rows > 10 ? 6 : 4);
      const header = Array.from({ length: width }, (_, i) => (next(20) === 0 ? values[next(values.length)] : `c${i}`));
      const lines = [header.join(',')];
      const value = (): string => (next(oddOneIn) === 0 ? (values[next(values.length)] as string) : (plain[next(plain.length)] as string));
      for (let r = next(rows); r >= 0; r--) {
        const w = next(15 * (rows > 10 ? 10 : 1)) === 0 ? width + next(3) - 1 : width;
        lines.push(Array.from({ length: w }, value).join(','));
      }
      const eol = next(3) === 0 ? '\r\n' : '\n';
      let file = Buffer.from((next(8) === 0 ? '\uFEFF' : '') + lines.join(eol) + (next(4) === 0 ? '' : eol), 'utf8');
      if (next(3) === 0) {
        const at = next(file.length + 1);
        file = Buffer.concat([file.subarray(0, at), noise[next(noise.length)] as Buffer, file.subarray(at)]);
      }
      const cuts = sizes(next);
      const js = outcome('javascript', file, cuts);
      expect([file.toString('latin1'), outcome('native', file, cuts)]).toEqual([file.toString('latin1'), js]);
      if (!('columns' in js)) refused++;
      files++;
    }
    expect(files).toBeGreaterThan(least);
    // Both kinds of answer were compared, many times.
    expect(refused).toBeGreaterThan(files / 10);
    expect(files - refused).toBeGreaterThan(files / 10);
  }

  it('agree on schemas and refusals (a few thousand files)', () => {
    compareOnRandomFiles({ count: 4000, least: 500, ms: 4000, rows: 6, oddOneIn: 1, sizes: (next) => [1 + next(9), 1 + next(64), 1 << 20] });
  });

  // The native reader takes runs of plain fields 64 bytes at a time and leaves a field with a quote, a
  // carriage return or a control character, a wrong field count, an empty line and a chunk's last
  // bytes to its state machine: longer files of mostly plain values, cut anywhere, cross those edges.
  it('agree on longer files of mostly plain values, whatever the chunks (the native reader\'s 64-byte path)', () => {
    compareOnRandomFiles({ count: 2000, least: 300, ms: 4000, rows: 120, oddOneIn: 40, sizes: (next) => [1 + next(200), 64 + next(512), 1 + next(70), 1 << 20] });
  });
});

describe('CsvInspection (the same, in a worker thread, as uploads run it)', () => {
  async function threaded(text: string | Buffer, chunkSize = 1 << 20): Promise<ReturnType<CsvInspector['finish']> | { line: number; problem: string }> {
    const bytes = typeof text === 'string' ? Buffer.from(text, 'utf8') : text;
    const inspection = new CsvInspection();
    try {
      for (let i = 0; i < bytes.length; i += chunkSize) await inspection.inspect(bytes.subarray(i, i + chunkSize));
      return await inspection.finish();
    } catch (error) {
      if (error instanceof CsvInvalidError) return { line: error.line, problem: error.problem };
      throw error;
    } finally {
      await inspection.close();
    }
  }

  it('answers as on this thread: schemas, ranges and refusals with their lines', async () => {
    const cases: (string | Buffer)[] = [
      'id,age,visit,sex,score\n1,34,2024-01-31,F,1.5e2\n2,,2024-02-29,M,-.5\n3,NA,,F,+7\n',
      '\uFEFFname,"note, with comma",n\r\n"Zoë","line one\r\nline two",1\r\n"a ""quoted"" word","x",2\r\n',
      'a,b\n1,2\n3,4,5\n6,7\n',
      'a,b\n1,"open\n2,3\n',
      Buffer.concat([Buffer.from('a,b\n1,2\n'), Buffer.from([0xff, 0xfe, 0x41])]),
      '',
      'a,b\n',
    ];
    for (const text of cases) {
      let expected: unknown;
      try {
        expected = inspect(text);
      } catch (error) {
        expected = { line: (error as CsvInvalidError).line, problem: (error as CsvInvalidError).problem };
      }
      expect(await threaded(text)).toEqual(expected);
      expect(await threaded(text, 3)).toEqual(expected);
    }
  });

  it('keeps answering the first refusal for every later chunk, and reads chunks in shared memory without a copy', async () => {
    const inspection = new CsvInspection();
    try {
      const shared = Buffer.from(new SharedArrayBuffer(8));
      shared.write('a,b\n1,2\n');
      await inspection.inspect(shared);
      // The memory is the caller's again once inspect() resolved: overwriting it changes nothing read.
      shared.write('3,4,5\n\n');
      await expect(inspection.inspect(shared.subarray(0, 6))).rejects.toMatchObject({ code: 'STORAGE.CSV_INVALID', line: 3 });
      await expect(inspection.inspect(Buffer.from('6,7\n'))).rejects.toMatchObject({ line: 3 });
      await expect(inspection.finish()).rejects.toMatchObject({ line: 3, problem: 'expected 2 fields (as in the header), found more' });
    } finally {
      await inspection.close();
    }
  });

  it('hands a finished thread to the next inspection, which starts afresh; a thread left mid-file is ended', async () => {
    const first = new CsvInspection();
    await first.inspect(Buffer.from('a,b\n1,2\n'));
    expect((await first.finish()).columns.map((c) => c.name)).toEqual(['a', 'b']);
    await first.close();

    const second = new CsvInspection();
    expect(second.threadId).toBe(first.threadId);
    await second.inspect(Buffer.from('x\n2024-01-01\n'));
    expect(await second.finish()).toEqual({ columns: [{ name: 'x', type: 'date' }], rowCount: 1, ranges: new Map() });
    await second.close();

    const third = new CsvInspection();
    expect(third.threadId).toBe(first.threadId);
    await expect(third.inspect(Buffer.from('p,q\n1\n'))).rejects.toMatchObject({ line: 2 });
    await third.close();

    const fourth = new CsvInspection();
    expect(fourth.threadId).not.toBe(first.threadId);
    await fourth.inspect(Buffer.from('n\n5\n'));
    expect((await fourth.finish()).ranges).toEqual(new Map([['n', { min: 5, max: 5 }]]));
    await fourth.close();
  });
});
