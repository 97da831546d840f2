// The CSV upload's reader, native: bytes → fields (strict RFC 4180, UTF-8, control characters, empty
// lines, the physical line of every refusal) and, per field, the evidence the domain's type inference
// needs (missing, number as DuckDB casts it to DOUBLE and its exact double, int64, ISO date), so that
// no field crosses into JavaScript. It is a line-for-line port of
// apps/data-storage/src/datasets/infrastructure/csv/csv-tokenizer.ts and of the per-value rules of
// apps/data-storage/src/datasets/domain/csv-schema.ts (`TableInference.field`, `numberAt`,
// `isIsoDate`; `SmallNumber` is a loop-free path of `NumberAt` for short plain numbers, and `Reader::Fast`
// a path of the tokenizer for runs of plain fields, 64 bytes at a time); the header's
// rules and the column types stay in that domain module, which reads the header and the evidence
// gathered here. `csv-inspection.spec.ts` runs the same cases against both
// back ends and compares them on random files: a change to a rule is made in both, or that test fails.
//
// Why native: the JavaScript pass costs ~0.9 s of CPU per 200 MiB, the upload's SHA-256 0.18 s.
#include <napi.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include <clocale>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <locale.h>
#include <string>
#include <vector>

namespace {

constexpr uint8_t COMMA = 0x2c;
constexpr uint8_t QUOTE = 0x22;
constexpr uint8_t LF = 0x0a;
constexpr uint8_t CR = 0x0d;
constexpr uint8_t TAB = 0x09;
// Must equal FIELD_KEEP_BYTES in csv-schema.ts: how much of a long field is kept (the longest column name's bytes).
constexpr size_t FIELD_KEEP_BYTES = 1024;
// Fields longer than this cannot be numbers or dates (MAX_VALUE_BYTES in csv-schema.ts).
constexpr size_t MAX_VALUE_BYTES = 48;

struct SpecialTable {
  uint8_t t[256];
  SpecialTable() {
    for (int b = 0; b < 256; b++) t[b] = 0;
    for (int b = 0; b < 0x20; b++)
      if (b != TAB) t[b] = 1;
    t[COMMA] = 1;
    t[QUOTE] = 1;
  }
};
const SpecialTable SPECIAL;

/**
 * 64 bytes classified: where fields end (',' or LF), where lines end, and the bytes only the state
 * machine reads. Together, ends and odd are the bytes SPECIAL marks (SpecialBits' mask).
 */
struct Blocks {
  struct Block {
    uint64_t ends;
    uint64_t lf;
    /** A quote, or a control character other than a tab or a line feed (a carriage return among them). */
    uint64_t odd;
  };

  /** p holds 64 readable bytes. */
  static inline Block Classify(const uint8_t* p) {
#if defined(__SSE2__) && !defined(CSV_SCALAR)
    Block block{0, 0, 0};
    for (int k = 0; k < 4; k++) {
      const __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 16 * k));
      const __m128i lf = _mm_cmpeq_epi8(x, _mm_set1_epi8(LF));
      const __m128i control = _mm_andnot_si128(_mm_or_si128(_mm_cmpeq_epi8(x, _mm_set1_epi8(TAB)), lf), _mm_cmpeq_epi8(_mm_min_epu8(x, _mm_set1_epi8(0x1f)), x));
      const __m128i odd = _mm_or_si128(_mm_cmpeq_epi8(x, _mm_set1_epi8(QUOTE)), control);
      const __m128i ends = _mm_or_si128(_mm_cmpeq_epi8(x, _mm_set1_epi8(COMMA)), lf);
      block.ends |= static_cast<uint64_t>(static_cast<unsigned>(_mm_movemask_epi8(ends))) << (16 * k);
      block.lf |= static_cast<uint64_t>(static_cast<unsigned>(_mm_movemask_epi8(lf))) << (16 * k);
      block.odd |= static_cast<uint64_t>(static_cast<unsigned>(_mm_movemask_epi8(odd))) << (16 * k);
    }
    return block;
#else
    Block block{0, 0, 0};
    for (int k = 0; k < 64; k++) {
      const uint8_t b = p[k];
      const uint64_t bit = uint64_t{1} << k;
      if (SPECIAL.t[b] != 0) {
        if (b == COMMA || b == LF) block.ends |= bit;
        else block.odd |= bit;
      }
      if (b == LF) block.lf |= bit;
    }
    return block;
#endif
  }
};

/**
 * Where the next byte that SPECIAL marks is: the special bytes of 64 bytes at a time, as a bit mask
 * (Blocks), kept while a scan finds one field's end after another in them.
 * Most fields are a few bytes long: a search per field would load and compare the same bytes several
 * times, and a byte-by-byte loop mispredicts its exit at every field. Valid for one Scan() call (the
 * chunk's memory is reused between pushes).
 */
class SpecialBits {
 public:
  /** The first special byte at or after i, or end. */
  inline size_t Next(const uint8_t* buf, size_t i, size_t end) {
    for (;;) {
      if (i >= base_ && i < limit_) {
        const uint64_t rest = mask_ >> (i - base_);
        if (rest != 0) return i + static_cast<size_t>(__builtin_ctzll(rest));
        i = limit_;
      }
      if (i >= end) return end;
      Load(buf, i, end);
    }
  }

 private:
  void Load(const uint8_t* buf, size_t i, size_t end) {
    base_ = i;
    if (i + 64 <= end) {
      const Blocks::Block block = Blocks::Classify(buf + i);
      mask_ = block.ends | block.odd;
      limit_ = i + 64;
      return;
    }
    const size_t n = end - i < 64 ? end - i : 64;
    uint64_t mask = 0;
    for (size_t k = 0; k < n; k++)
      if (SPECIAL.t[buf[i + k]] != 0) mask |= uint64_t{1} << k;
    mask_ = mask;
    limit_ = i + n;
  }


  size_t base_ = 0;
  size_t limit_ = 0;
  uint64_t mask_ = 0;
};

enum class State { FieldStart, Unquoted, Quoted, QuoteInQuoted, AfterCr };

/** Thrown after the problem is recorded: unwinds the scan to push()/finish(). */
struct Refused {};

const double POW10[23] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8,  1e9,  1e10, 1e11,
                          1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

locale_t CLocale() {
  static locale_t c = newlocale(LC_ALL_MASK, "C", static_cast<locale_t>(0));
  return c;
}

/** Number() of a string that passed numberAt's grammar (correctly rounded, as V8 is). */
double SlowNumber(const uint8_t* p, size_t len, bool hasExponent) {
  char text[MAX_VALUE_BYTES + 1];
  std::memcpy(text, p, len);
  text[len] = 0;
  double value = strtod_l(text, nullptr, CLocale());
  return hasExponent && !std::isfinite(value) ? std::numeric_limits<double>::quiet_NaN() : value;
}

inline bool IsDigit(uint8_t b) { return b >= '0' && b <= '9'; }

/**
 * numberAt of csv-schema.ts: `[+-]?(d+(.d*)?|.d+)([eE][+-]?d{1,3})?`, exactly the double Number()
 * gives; false for anything else (and for an exponent that overflows). `int64`: `[+-]?d{1,18}`.
 */
bool NumberAt(const uint8_t* p, size_t len, double& out, bool& int64) {
  int64 = false;
  size_t i = 0;
  bool negative = false;
  if (i < len && (p[i] == '-' || p[i] == '+')) {
    negative = p[i] == '-';
    i++;
  }
  // In integers: exact up to 19 digits, and only used up to 15 (then it equals the JavaScript
  // reader's double, built digit by digit), without a chain of floating-point multiplications.
  uint64_t mantissa = 0;
  int digits = 0;
  while (i < len && IsDigit(p[i])) {
    mantissa = mantissa * 10 + (p[i] - '0');
    digits++;
    i++;
  }
  if (i == len) {
    if (digits == 0) return false;
    int64 = digits <= 18;
    if (digits <= 15) {
      const double value = static_cast<double>(mantissa);
      out = negative ? -value : value;
      return true;
    }
    out = SlowNumber(p, len, false);
    return true;
  }
  int fraction = 0;
  if (p[i] == '.') {
    i++;
    while (i < len && IsDigit(p[i])) {
      mantissa = mantissa * 10 + (p[i] - '0');
      digits++;
      fraction++;
      i++;
    }
  }
  if (digits == 0) return false;
  int exponent = 0;
  bool hasExponent = false;
  if (i < len && (p[i] == 'e' || p[i] == 'E')) {
    hasExponent = true;
    i++;
    bool expNegative = false;
    if (i < len && (p[i] == '+' || p[i] == '-')) {
      expNegative = p[i] == '-';
      i++;
    }
    int expDigits = 0;
    while (i < len && IsDigit(p[i])) {
      if (expDigits < 4) exponent = exponent * 10 + (p[i] - '0');
      expDigits++;
      i++;
    }
    if (expDigits == 0 || expDigits > 3) return false;
    if (expNegative) exponent = -exponent;
  }
  if (i != len) return false;
  const int scale = exponent - fraction;
  if (digits <= 15 && scale >= -22 && scale <= 22) {
    const double m = static_cast<double>(mantissa);
    const double value = scale >= 0 ? m * POW10[scale] : m / POW10[-scale];
    out = negative ? -value : value;
    return true;
  }
  out = SlowNumber(p, len, hasExponent);
  return !std::isnan(out);
}

/**
 * Eight bytes less '0' each (`word ^ 0x30…`): a nonzero high nibble in each byte that was not a digit
 * ('0'-'9'). A digit leaves 0-9, i.e. an empty high nibble, and no carry past 9 when 6 is added (a byte
 * that carries is not a digit itself, and is found first). SmallNumber and IsIsoDate read their digits so.
 */
inline uint64_t NonDigits(uint64_t x) {
  constexpr uint64_t HIGH_NIBBLES = 0xf0f0f0f0f0f0f0f0ULL;
  return (x & HIGH_NIBBLES) | ((x + 0x0606060606060606ULL) & HIGH_NIBBLES);
}

/**
 * The common cases of numberAt without a loop: 1-8 bytes of decimal digits with at most one '.'
 * among them (no sign, no exponent), read as one 64-bit word — 8 bytes must be readable at p; those
 * after the field are ignored. The same double as NumberAt (its fast path: the digits as an integer,
 * divided by the power of ten of the fraction). False for anything else, which NumberAt then reads.
 */
inline bool SmallNumber(const uint8_t* p, size_t len, double& out, bool& int64) {
  uint64_t word;
  std::memcpy(&word, p, 8);
  const uint64_t field = ~uint64_t{0} >> (64 - 8 * len);  // len is 1-8
  uint64_t x = (word ^ 0x3030303030303030ULL) & field;
  const uint64_t other = NonDigits(x) & field;
  size_t digits = len;
  size_t fraction = 0;
  if (other != 0) {
    const size_t at = static_cast<size_t>(__builtin_ctzll(other)) >> 3;
    if (((x >> (8 * at)) & 0xff) != ('.' ^ '0') || (other & ~(uint64_t{0xff} << (8 * at))) != 0 || len == 1) return false;
    // The '.' taken out: the digits after it move down one byte.
    const uint64_t before = x & ((uint64_t{1} << (8 * at)) - 1);
    const uint64_t after = at == 7 ? 0 : (x >> (8 * at + 8)) << (8 * at);
    x = before | after;
    digits = len - 1;
    fraction = len - 1 - at;
  }
  // The digits as the last `digits` of eight (leading zeros), then pairs, fours and eights combined.
  uint64_t v = x << (8 * (8 - digits));
  v = (v * 2561) >> 8;
  v = ((v & 0x00ff00ff00ff00ffULL) * 6553601) >> 16;
  v = ((v & 0x0000ffff0000ffffULL) * 42949672960001ULL) >> 32;
  const double m = static_cast<double>(v);
  out = fraction == 0 ? m : m / POW10[fraction];
  int64 = other == 0;
  return true;
}

const int DAYS[12] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

/**
 * isIsoDate of csv-schema.ts: `YYYY-MM-DD` with a real calendar day (p holds 10 bytes). The eight bytes
 * `YYYY-MM-` are checked as one 64-bit word (the digits by NonDigits, the dashes in place), the day's
 * two one by one: a date column checks every row's value.
 */
inline bool IsIsoDate(const uint8_t* p) {
  constexpr uint64_t DASHES = 0xff0000ff00000000ULL;  // bytes 4 and 7
  uint64_t word;
  std::memcpy(&word, p, 8);
  if ((word & DASHES) != 0x2d00002d00000000ULL) return false;
  const uint64_t x = (word ^ 0x3030303030303030ULL) & ~DASHES;
  if ((NonDigits(x) & ~DASHES) != 0) return false;
  const unsigned d0 = p[8] - '0', d1 = p[9] - '0';
  if (d0 > 9 || d1 > 9) return false;
  const auto at = [x](int k) { return static_cast<int>((x >> (8 * k)) & 0xff); };
  const int year = at(0) * 1000 + at(1) * 100 + at(2) * 10 + at(3);
  const int month = at(5) * 10 + at(6);
  const int day = static_cast<int>(d0 * 10 + d1);
  if (month < 1 || month > 12 || day < 1) return false;
  if (month == 2 && day == 29) return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  return day <= DAYS[month - 1];
}

/** Bytes at the end that start a UTF-8 sequence not yet complete (0-3), as incompleteTail in csv-tokenizer.ts. */
size_t IncompleteTail(const uint8_t* buf, size_t n) {
  for (size_t back = 1; back <= (n < 3 ? n : 3); back++) {
    uint8_t b = buf[n - back];
    if ((b & 0xc0) == 0x80) continue;
    size_t need = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
    return need > back ? back : 0;
  }
  return 0;
}

/**
 * Offset of the first ill-formed UTF-8 sequence, or n (firstInvalidUtf8 in csv-tokenizer.ts, ASCII 8
 * bytes at a time). `valid`: the whole buffer is UTF-8 (isUtf8 in the JavaScript reader): false also
 * when only a sequence cut off by the end is wrong, which the search itself does not count.
 */
size_t FirstInvalidUtf8(const uint8_t* buf, size_t n, bool& valid) {
  valid = false;
  size_t i = 0;
  while (i < n) {
#if defined(__SSE2__) && !defined(CSV_SCALAR)
    // ASCII 64 bytes at a time: most CSV files are all ASCII, and this pass reads every byte.
    if (i + 64 <= n) {
      const __m128i* q = reinterpret_cast<const __m128i*>(buf + i);
      const __m128i any = _mm_or_si128(_mm_or_si128(_mm_loadu_si128(q), _mm_loadu_si128(q + 1)), _mm_or_si128(_mm_loadu_si128(q + 2), _mm_loadu_si128(q + 3)));
      if (_mm_movemask_epi8(any) == 0) {
        i += 64;
        continue;
      }
    }
#endif
    if (i + 8 <= n) {
      uint64_t word;
      std::memcpy(&word, buf + i, 8);
      if ((word & 0x8080808080808080ULL) == 0) {
        i += 8;
        continue;
      }
    }
    uint8_t b = buf[i];
    if (b < 0x80) {
      i++;
      continue;
    }
    size_t need;
    uint8_t lo = 0x80, hi = 0xbf;
    if (b >= 0xc2 && b <= 0xdf) {
      need = 1;
    } else if (b >= 0xe0 && b <= 0xef) {
      need = 2;
      if (b == 0xe0) lo = 0xa0;
      else if (b == 0xed) hi = 0x9f;
    } else if (b >= 0xf0 && b <= 0xf4) {
      need = 3;
      if (b == 0xf0) lo = 0x90;
      else if (b == 0xf4) hi = 0x8f;
    } else {
      return i;
    }
    for (size_t k = 1; k <= need; k++) {
      if (i + k >= n) return n;  // cut off by the end
      uint8_t c = buf[i + k];
      if (k == 1 ? (c < lo || c > hi) : (c & 0xc0) != 0x80) return i;
    }
    i += need + 1;
  }
  valid = true;
  return n;
}

class Reader {
 public:
  Reader(uint32_t maxColumns, uint32_t maxNameLength) : maxColumns_(maxColumns), maxNameLength_(maxNameLength) {}

  void Push(const uint8_t* data, size_t len) {
    if (refused_ || len == 0) return;
    try {
      if (!bomChecked_) {
        prefix_.append(reinterpret_cast<const char*>(data), len);
        if (prefix_.size() < 3) return;
        TakePrefix();
        return;
      }
      Feed(data, len);
    } catch (const Refused&) {
    }
  }

  /** The tokenizer's end of file; the schema's own end-of-file rules are the domain's. */
  void Finish() {
    if (refused_) return;
    try {
      if (!bomChecked_) TakePrefix();
      if (!utf8Carry_.empty()) Fail(line_, "the file ends inside a multi-byte UTF-8 character (binary data or truncated file?)");
      if (!sawAnyByte_) Fail(0, "the file is empty");
      switch (state_) {
        case State::Quoted:
          Fail(quoteOpenedOnLine_, "a quoted field is never closed");
        case State::AfterCr:
          Fail(line_, "a carriage return not followed by a line feed");
        case State::FieldStart:
          if (fieldIndex_ > 0) {
            Field(keep_, 0, 0, FIELD_KEEP_BYTES);
            EndRecord();
          }
          break;
        default:
          EmitKept();
          EndRecord();
      }
    } catch (const Refused&) {
    }
  }

  bool refused() const { return refused_; }
  double problemLine() const { return problemLine_; }
  const std::string& problem() const { return problem_; }
  bool haveHeader() const { return haveHeader_; }
  const std::vector<std::string>& names() const { return names_; }
  double rows() const { return rows_; }
  // Per column, what its values allow so far (what the domain's ColumnEvidence says in four arrays).
  static constexpr uint8_t SEEN = 1, NUMERIC = 2, INTEGER = 4, DATE = 8;

  /** Per column, 1 where `flag` (SEEN, NUMERIC, INTEGER, DATE) holds. */
  std::vector<uint8_t> columnsWith(uint8_t flag) const {
    std::vector<uint8_t> out(flags_.size());
    for (size_t i = 0; i < flags_.size(); i++) out[i] = (flags_[i] & flag) != 0 ? 1 : 0;
    return out;
  }
  const std::vector<double>& min() const { return min_; }
  const std::vector<double>& max() const { return max_; }

 private:
  // ---- tokenizer (csv-tokenizer.ts) ----

  void TakePrefix() {
    bomChecked_ = true;
    std::string first;
    first.swap(prefix_);
    size_t skip = first.size() >= 3 && static_cast<uint8_t>(first[0]) == 0xef && static_cast<uint8_t>(first[1]) == 0xbb &&
                          static_cast<uint8_t>(first[2]) == 0xbf
                      ? 3
                      : 0;
    if (first.size() > skip) Feed(reinterpret_cast<const uint8_t*>(first.data()) + skip, first.size() - skip);
  }

  void Feed(const uint8_t* input, size_t len) {
    const uint8_t* chunk = input;
    std::string joined;
    if (!utf8Carry_.empty()) {
      // Rare: a character cut by the previous chunk's end.
      joined = utf8Carry_;
      joined.append(reinterpret_cast<const char*>(input), len);
      chunk = reinterpret_cast<const uint8_t*>(joined.data());
      len = joined.size();
    }
    utf8Carry_.clear();
    size_t cut = IncompleteTail(chunk, len);
    if (cut > 0) {
      utf8Carry_.assign(reinterpret_cast<const char*>(chunk + len - cut), cut);
      len -= cut;
    }
    if (len == 0) return;
    sawAnyByte_ = true;
    bool valid;
    size_t bad = FirstInvalidUtf8(chunk, len, valid);
    if (!valid) {
      // Up to the first bad byte, so that an earlier problem is reported first and the line is right.
      Scan(chunk, bad);
      Fail(line_, "the file is not UTF-8 text (binary data?)");
    }
    Scan(chunk, len);
  }

  void Scan(const uint8_t* buf, size_t end) {
    size_t i = 0;
    // A local, not a member: kept in registers across the calls for each field.
    SpecialBits bits;
    // Fast() is not asked again before the state machine below has read past this byte (one Fast()
    // stopped at: its field is the state machine's).
    size_t slowUntil = 0;
    // Fast() may read from i on: the header is read, and so is the field the last Fast() stopped at.
    const auto fastMayRead = [&] { return haveHeader_ && i >= slowUntil; };
    while (i < end) {
      switch (state_) {
        case State::FieldStart:
          if (fastMayRead()) {
            i = Fast(buf, i, end, slowUntil);
            if (i >= end) return;
          }
          for (;;) {
            const size_t j = bits.Next(buf, i, end);
            if (j == end) {
              if (j > i) {
                keepLength_ = 0;
                Append(buf, i, j);
                state_ = State::Unquoted;
              }
              return;
            }
            const uint8_t b = buf[j];
            if (b == COMMA) {
              Field(buf + i, j - i, j - i, end - i);
              fieldIndex_++;
              i = j + 1;
              if (fastMayRead()) break;
              continue;
            }
            if (b == LF) {
              if (j == i && fieldIndex_ == 0) EmptyLine();
              Field(buf + i, j - i, j - i, end - i);
              line_++;
              EndRecord();
              i = j + 1;
              if (fastMayRead()) break;
              continue;
            }
            if (b == CR) {
              crAtRecordStart_ = j == i && fieldIndex_ == 0;
              keepLength_ = 0;
              Append(buf, i, j);
              state_ = State::AfterCr;
            } else if (b == QUOTE) {
              if (j > i) StrayQuote();
              quoteOpenedOnLine_ = line_;
              keepLength_ = 0;
              state_ = State::Quoted;
            } else {
              ControlCharacter(b);
            }
            i = j + 1;
            break;
          }
          break;
        case State::Unquoted: {
          const size_t j = bits.Next(buf, i, end);
          Append(buf, i, j);
          if (j == end) return;
          const uint8_t b = buf[j];
          i = j + 1;
          if (!EndKeptField(b)) {
            if (b == QUOTE) StrayQuote();
            ControlCharacter(b);
          }
          break;
        }
        case State::Quoted: {
          size_t j = i;
          while (j < end) {
            const uint8_t b = buf[j];
            if (b == QUOTE) break;
            if (b == LF) line_++;
            else if (b < 0x20 && b != TAB && b != CR) ControlCharacter(b);
            j++;
          }
          Append(buf, i, j);
          if (j < end) state_ = State::QuoteInQuoted;
          i = j + 1;
          break;
        }
        case State::QuoteInQuoted: {
          const uint8_t b = buf[i];
          i++;
          if (b == QUOTE) {
            Append(buf, i - 1, i);
            state_ = State::Quoted;
          } else if (!EndKeptField(b)) {
            Fail(line_, "unexpected character after a closing quote (field " + std::to_string(fieldIndex_ + 1) + ")");
          }
          break;
        }
        case State::AfterCr: {
          const uint8_t b = buf[i];
          i++;
          if (b != LF) Fail(line_, "a carriage return not followed by a line feed");
          if (crAtRecordStart_) EmptyLine();
          EmitKept();
          line_++;
          EndRecord();
          state_ = State::FieldStart;
          break;
        }
      }
    }
  }

  /**
   * The common case without the state machine: data rows of plain fields, read 64 bytes at a time
   * (Blocks), each field handed to Value() where a ',' or a line feed ends it. It stops at the first
   * field it cannot take whole: one with a quote, a carriage return or a control character in it, a
   * field or a line ending that the state machine refuses (too many or too few fields, an empty line),
   * or the chunk's last bytes (less than a block). It returns where that field starts, in FieldStart,
   * and sets `slowUntil` to a byte the state machine must read before Fast() is asked again; the
   * state machine then reads that field with every rule and the same answers. The counters are
   * locals here and stored once it stops.
   */
  size_t Fast(const uint8_t* buf, size_t i, size_t end, size_t& slowUntil) {
    const uint32_t last = width_ - 1;
    const Columns columns{flags_.data(), min_.data(), max_.data()};
    uint32_t column = index_;
    // Lines (= records = data rows) ended here.
    uint64_t lines = 0;
    size_t start = i;
    size_t base = i;
    for (;;) {
      if (end - base < 64) {
        slowUntil = end;
        break;
      }
      const Blocks::Block block = Blocks::Classify(buf + base);
      // Field ends before the first byte only the state machine reads.
      uint64_t ends = block.odd == 0 ? block.ends : block.ends & ((block.odd & (0 - block.odd)) - 1);
      while (ends != 0) {
        const size_t at = static_cast<size_t>(__builtin_ctzll(ends));
        ends &= ends - 1;
        const size_t pos = base + at;
        const size_t length = pos - start;
        const bool lineEnd = ((block.lf >> at) & 1) != 0;
        // A line must end after the last column, and only there (so `column` stays below the width);
        // an empty line (one column, nothing in it) is refused.
        if (lineEnd != (column == last) || (lineEnd & (length == 0) & (last == 0))) {
          slowUntil = pos;
          goto stopped;
        }
        Value(buf + start, length, column, end - start, columns);
        lines += lineEnd;
        column = lineEnd ? 0 : column + 1;
        start = pos + 1;
      }
      if (block.odd != 0) {
        slowUntil = base + static_cast<size_t>(__builtin_ctzll(block.odd));
        break;
      }
      base += 64;
    }
  stopped:
    index_ = column;
    fieldIndex_ = column;
    if (lines != 0) {
      line_ += lines;
      recordLine_ = line_;
      records_ += lines;
      rows_ += static_cast<double>(lines);
    }
    return start;
  }

  void Append(const uint8_t* buf, size_t from, size_t to) {
    const size_t at = keepLength_;
    if (at < FIELD_KEEP_BYTES && to > from) {
      size_t n = to - from;
      if (n > FIELD_KEEP_BYTES - at) n = FIELD_KEEP_BYTES - at;
      std::memcpy(keep_ + at, buf + from, n);
    }
    keepLength_ = at + (to - from);
  }

  bool EndKeptField(uint8_t b) {
    if (b == COMMA) {
      EmitKept();
      fieldIndex_++;
      state_ = State::FieldStart;
    } else if (b == LF) {
      EmitKept();
      line_++;
      EndRecord();
      state_ = State::FieldStart;
    } else if (b == CR) {
      crAtRecordStart_ = false;
      state_ = State::AfterCr;
    } else {
      return false;
    }
    return true;
  }

  void EmitKept() {
    const size_t length = keepLength_;
    keepLength_ = 0;
    Field(keep_, length < FIELD_KEEP_BYTES ? length : FIELD_KEEP_BYTES, length, FIELD_KEEP_BYTES);
  }

  void EndRecord() {
    fieldIndex_ = 0;
    records_++;
    RecordEnded(line_);
  }

  [[noreturn]] void EmptyLine() { Fail(line_, records_ == 0 ? "the header line is empty" : "empty line"); }

  [[noreturn]] void StrayQuote() {
    Fail(line_, "a double quote inside an unquoted field (field " + std::to_string(fieldIndex_ + 1) + ")");
  }

  [[noreturn]] void ControlCharacter(uint8_t b) {
    static const char* hex = "0123456789abcdef";
    std::string text = "control character 0x";
    text += hex[b >> 4];
    text += hex[b & 15];
    text += " (binary data?)";
    Fail(line_, text);
  }

  // ---- per field and per record (TableInference.field / endRecord in csv-schema.ts) ----

  /**
   * One field: `avail` bytes at p (its first FIELD_KEEP_BYTES at most), `length` in all; `readable` bytes
   * may be read at p. Always inlined: as a call, its prologue, epilogue and arguments were ~30 of the
   * ~140 instructions a field cost (callgrind), and the reader took 295 ms per 200 MiB instead of 248.
   */
  __attribute__((always_inline)) inline void Field(const uint8_t* p, size_t avail, size_t length, size_t readable) {
    const uint32_t i = index_++;
    if (!haveHeader_) {
      HeaderField(p, avail, length);
      return;
    }
    if (i >= width_) Fail(recordLine_, "expected " + std::to_string(width_) + " fields (as in the header), found more");
    Value(p, length, i, readable);
  }

  /**
   * A data row's field in column i (< width_): its evidence. One byte of flags per column, so a field
   * reads and writes one byte of state besides its range.
   */
  __attribute__((always_inline)) inline void Value(const uint8_t* p, size_t length, uint32_t i, size_t readable) {
    Value(p, length, i, readable, Columns{flags_.data(), min_.data(), max_.data()});
  }

  /** The column state's arrays, held in registers across a run of fields (a store through a uint8_t pointer may alias the vectors). */
  struct Columns {
    uint8_t* flags;
    double* min;
    double* max;
  };

  __attribute__((always_inline)) inline void Value(const uint8_t* p, size_t length, uint32_t i, size_t readable, const Columns columns) {
    if (length == 0 || (length == 2 && p[0] == 'N' && p[1] == 'A')) return;  // missing
    uint8_t* const flags = columns.flags;
    uint8_t f = flags[i] | SEEN;
    if ((f & NUMERIC) != 0) {
      double value;
      bool int64;
      bool number;
      if (length <= 8 && readable >= 8 && SmallNumber(p, length, value, int64)) {
        number = true;
      } else {
        number = length <= MAX_VALUE_BYTES && NumberAt(p, length, value, int64);
      }
      if (!number) {
        f &= ~(NUMERIC | INTEGER);
      } else {
        double* const min = columns.min;
        double* const max = columns.max;
        if (value < min[i]) min[i] = value;
        if (value > max[i]) max[i] = value;
        if (!int64) f &= ~INTEGER;
      }
    }
    if ((f & DATE) != 0 && (length != 10 || !IsIsoDate(p))) f &= ~DATE;
    flags[i] = f;
  }

  void HeaderField(const uint8_t* p, size_t avail, size_t length) {
    if (length > static_cast<size_t>(maxNameLength_) * 4) {
      Fail(recordLine_, "column name " + std::to_string(index_) + " is longer than " + std::to_string(maxNameLength_) + " characters");
    }
    names_.emplace_back(reinterpret_cast<const char*>(p), avail);
    if (names_.size() > maxColumns_) Fail(recordLine_, "more than " + std::to_string(maxColumns_) + " columns");
  }

  void RecordEnded(uint64_t nextLine) {
    const uint32_t fields = index_;
    index_ = 0;
    if (!haveHeader_) {
      // The header's own rules (names, duplicates, not data) are checked by the domain, in JavaScript.
      haveHeader_ = true;
      width_ = static_cast<uint32_t>(names_.size());
      flags_.assign(width_, NUMERIC | INTEGER | DATE);
      min_.assign(width_, std::numeric_limits<double>::infinity());
      max_.assign(width_, -std::numeric_limits<double>::infinity());
    } else {
      if (fields != width_) {
        Fail(recordLine_, "expected " + std::to_string(width_) + " fields (as in the header), found " + std::to_string(fields));
      }
      rows_++;
    }
    recordLine_ = nextLine;
  }

  [[noreturn]] void Fail(uint64_t line, const std::string& problem) {
    refused_ = true;
    problemLine_ = static_cast<double>(line);
    problem_ = problem;
    throw Refused{};
  }

  const uint32_t maxColumns_;
  const uint32_t maxNameLength_;
  // tokenizer
  State state_ = State::FieldStart;
  uint64_t line_ = 1;
  uint64_t quoteOpenedOnLine_ = 1;
  uint32_t fieldIndex_ = 0;
  uint64_t records_ = 0;
  bool crAtRecordStart_ = false;
  bool sawAnyByte_ = false;
  bool bomChecked_ = false;
  std::string prefix_;
  std::string utf8Carry_;
  uint8_t keep_[FIELD_KEEP_BYTES];
  size_t keepLength_ = 0;
  // records and values
  bool haveHeader_ = false;
  std::vector<std::string> names_;
  uint32_t width_ = 0;
  uint32_t index_ = 0;
  uint64_t recordLine_ = 1;
  double rows_ = 0;
  std::vector<uint8_t> flags_;
  std::vector<double> min_, max_;
  // the first problem
  bool refused_ = false;
  double problemLine_ = 0;
  std::string problem_;
};

/** JavaScript face: new CsvReader(maxColumns, maxNameLength); push(Uint8Array); finish(); header(); evidence(); problem(). */
class CsvReaderWrap : public Napi::ObjectWrap<CsvReaderWrap> {
 public:
  static Napi::Function Define(Napi::Env env) {
    return DefineClass(env, "CsvReader",
                       {InstanceMethod("push", &CsvReaderWrap::Push), InstanceMethod("finish", &CsvReaderWrap::Finish),
                        InstanceMethod("header", &CsvReaderWrap::Header), InstanceMethod("evidence", &CsvReaderWrap::Evidence),
                        InstanceMethod("problem", &CsvReaderWrap::Problem)});
  }

  explicit CsvReaderWrap(const Napi::CallbackInfo& info)
      : Napi::ObjectWrap<CsvReaderWrap>(info), reader_(info[0].As<Napi::Number>().Uint32Value(), info[1].As<Napi::Number>().Uint32Value()) {}

 private:
  /** The next bytes (any Uint8Array, also over shared memory); not kept once this returns. */
  Napi::Value Push(const Napi::CallbackInfo& info) {
    if (!info[0].IsTypedArray()) throw Napi::TypeError::New(info.Env(), "push() takes a Uint8Array");
    auto bytes = info[0].As<Napi::Uint8Array>();
    reader_.Push(bytes.Data(), bytes.ByteLength());
    return Napi::Boolean::New(info.Env(), !reader_.refused());
  }

  Napi::Value Finish(const Napi::CallbackInfo& info) {
    reader_.Finish();
    return Napi::Boolean::New(info.Env(), !reader_.refused());
  }

  /** The header's names once its line ended, else undefined. */
  Napi::Value Header(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    if (!reader_.haveHeader()) return env.Undefined();
    const auto& names = reader_.names();
    auto out = Napi::Array::New(env, names.size());
    for (size_t i = 0; i < names.size(); i++) out.Set(i, Napi::String::New(env, names[i]));
    return out;
  }

  static Napi::Uint8Array Bytes(Napi::Env env, const std::vector<uint8_t>& v) {
    auto out = Napi::Uint8Array::New(env, v.size());
    if (!v.empty()) std::memcpy(out.Data(), v.data(), v.size());
    return out;
  }

  static Napi::Float64Array Doubles(Napi::Env env, const std::vector<double>& v) {
    auto out = Napi::Float64Array::New(env, v.size());
    if (!v.empty()) std::memcpy(out.Data(), v.data(), v.size() * sizeof(double));
    return out;
  }

  /** Data rows so far and, per column, the evidence the domain types it from (ColumnEvidence in csv-schema.ts). */
  Napi::Value Evidence(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    auto out = Napi::Object::New(env);
    out.Set("rows", Napi::Number::New(env, reader_.rows()));
    out.Set("seen", Bytes(env, reader_.columnsWith(Reader::SEEN)));
    out.Set("numeric", Bytes(env, reader_.columnsWith(Reader::NUMERIC)));
    out.Set("integer", Bytes(env, reader_.columnsWith(Reader::INTEGER)));
    out.Set("date", Bytes(env, reader_.columnsWith(Reader::DATE)));
    out.Set("min", Doubles(env, reader_.min()));
    out.Set("max", Doubles(env, reader_.max()));
    return out;
  }

  /** The first refusal, { line, problem }, or undefined. */
  Napi::Value Problem(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    if (!reader_.refused()) return env.Undefined();
    auto out = Napi::Object::New(env);
    out.Set("line", Napi::Number::New(env, reader_.problemLine()));
    out.Set("problem", Napi::String::New(env, reader_.problem()));
    return out;
  }

  Reader reader_;
};

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  exports.Set("CsvReader", CsvReaderWrap::Define(env));
  exports.Set("fieldKeepBytes", Napi::Number::New(env, static_cast<double>(FIELD_KEEP_BYTES)));
  return exports;
}

}  // namespace

NODE_API_MODULE(csv_native, Init)
