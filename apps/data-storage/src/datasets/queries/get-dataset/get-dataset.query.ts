/** One dataset with every version. */
export class GetDatasetQuery {
  constructor(readonly datasetId: string) {}
}
