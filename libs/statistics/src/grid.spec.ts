import { commonEdges, defaultGrid, edgesOnGrid, gridEdges, rebin } from './grid';

describe('declared histogram grids', () => {
  const sbp = { lower: 80, upper: 220, binWidth: 10 };

  it('rounds requested edges out to the grid, merging edges that meet', () => {
    expect(edgesOnGrid([100, 125, 150], sbp)).toEqual([100, 130, 150]);
    expect(edgesOnGrid([101.5, 149.99], sbp)).toEqual([100, 150]);
    // Edges 1e-5 apart around one value become one grid bin.
    expect(edgesOnGrid([213.36999, 213.37001], sbp)).toEqual([210, 220]);
    expect(edgesOnGrid([213, 213.1, 213.2, 213.3], sbp)).toEqual([210, 220]);
    // The grid goes on past the bounds (so grids of different sites keep sharing points there).
    expect(edgesOnGrid([0, 300], sbp)).toEqual([0, 300]);
  });

  it('gives the same double for the same grid point whatever the arithmetic', () => {
    expect(edgesOnGrid([0.3, 0.6], { lower: 0, upper: 1, binWidth: 0.1 })).toEqual([0.3, 0.6]);
  });

  it('declares by default 10 bins of a 1-2-5 width over the data, bounds rounded out', () => {
    expect(defaultGrid(95.2, 179.9)).toEqual({ lower: 90, upper: 180, binWidth: 10 });
    expect(defaultGrid(16.77, 35.665)).toEqual({ lower: 16, upper: 36, binWidth: 2 });
    expect(defaultGrid(100, 101)).toEqual({ lower: 100, upper: 101, binWidth: 0.1 });
    // A constant column: a tenth of its magnitude.
    expect(defaultGrid(5, 5)).toEqual({ lower: 5, upper: 5.5, binWidth: 0.5 });
  });

  it('pools sites of different grids on the edges they share, merging bins exactly (unknown stays unknown)', () => {
    const a = { edges: [14, 20, 26, 30, 36, 40], counts: [5, 7, 4, 6, 0], below: 0, above: 0 };
    const b = { edges: [15, 20, 25, 30, 35, 40], counts: [3, null, 8, 2, 1], below: 1, above: 0 };
    const edges = commonEdges([a, b]);
    expect(edges).toEqual([20, 30, 40]);
    expect(rebin(a, edges)).toEqual({ edges: [20, 30, 40], counts: [11, 6], below: 5, above: 0 });
    expect(rebin(b, edges)).toEqual({ edges: [20, 30, 40], counts: [null, 3], below: 4, above: 0 });
    expect(() => rebin(a, [20, 25])).toThrow(/edges of the histogram/);
  });

  it('lists every grid point of the declared range, the last at or above upper, as edgesOnGrid spells them', () => {
    expect(gridEdges(sbp)).toEqual([80, 90, 100, 110, 120, 130, 140, 150, 160, 170, 180, 190, 200, 210, 220]);
    expect(gridEdges({ lower: 0, upper: 1, binWidth: 0.3 })).toEqual([0, 0.3, 0.6, 0.9, 1.2]);
    expect(gridEdges({ lower: 0.1, upper: 0.7, binWidth: 0.1 })).toEqual(edgesOnGrid([0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7], { lower: 0.1, upper: 0.7, binWidth: 0.1 }));
  });
});
