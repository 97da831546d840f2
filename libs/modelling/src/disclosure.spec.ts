import { ModellingErrorCode, PhdmfError } from '@phdmf/contracts';
import { codeOf } from './testing/refusal';
import { checkLevels, checkParameters, checkSubset, releasableLevels } from './disclosure';


describe('disclosure rules', () => {
  it('refuse a subset under the threshold, and one whose complement is (the subtraction trick)', () => {
    expect(codeOf(() => {
      checkSubset(4, 100, 5);
    })).toBe(ModellingErrorCode.SUBSET_TOO_SMALL);
    expect(codeOf(() => {
      checkSubset(0, 100, 5);
    })).toBe(ModellingErrorCode.SUBSET_TOO_SMALL);
    expect(codeOf(() => {
      checkSubset(96, 100, 5);
    })).toBe(ModellingErrorCode.COMPLEMENT_TOO_SMALL);
    expect(codeOf(() => {
      checkSubset(95, 100, 5);
    })).toBeUndefined();
    expect(codeOf(() => {
      checkSubset(100, 100, 5);
    })).toBeUndefined();
    expect(codeOf(() => {
      checkSubset(5, 100, 5);
    })).toBeUndefined();
  });

  it('release the levels of a stratum that pass both ways, and no other', () => {
    expect(releasableLevels(new Map([['a', 50], ['b', 3], ['c', 10]]), 5)).toEqual(new Set(['a', 'c']));
    expect(releasableLevels(new Map([['a', 60], ['b', 4]]), 5)).toEqual(new Set());
  });

  it('refuse more parameters than 0.33 × records (nfilter.glm) and rare levels, naming the rule', () => {
    expect(codeOf(() => {
      checkParameters(34, 100);
    })).toBe(ModellingErrorCode.TOO_MANY_PARAMETERS);
    expect(codeOf(() => {
      checkParameters(33, 100);
    })).toBeUndefined();
    expect(codeOf(() => {
      checkLevels('smoker', new Map([['0', 97], ['1', 3]]), 5);
    })).toBe(ModellingErrorCode.RARE_LEVEL);
    expect(codeOf(() => {
      checkLevels('smoker', new Map([['0', 100], ['1', 0]]), 5);
    })).toBeUndefined();
    const refusal = (() => {
      try {
        checkParameters(40, 100, { site: 'node-a' });
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(refusal).toBeInstanceOf(PhdmfError);
    expect((refusal as PhdmfError).details).toMatchObject({ site: 'node-a', rule: 'nfilter.glm' });
  });
});
