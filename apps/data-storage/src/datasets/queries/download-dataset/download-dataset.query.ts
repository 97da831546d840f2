/** Opens a version's file for download (the newest when `version` is absent). */
export class DownloadDatasetQuery {
  constructor(
    readonly datasetId: string,
    readonly version?: number,
  ) {}
}
