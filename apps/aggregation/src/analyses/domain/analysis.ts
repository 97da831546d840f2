import { isModelResult, type AnalysisSummary, type AnyAnalysisResult } from '@phdmf/contracts';

/** A recorded analysis (a summary or a model) and its released result (stored as JSON: it is only ever read whole). */
export class Analysis {
  analysisId!: string;
  requester!: string;
  status!: 'complete' | 'partial';
  createdAt!: Date;
  resultHash!: string;
  txId!: string;
  blockNumber!: number;
  resultJson!: string;

  static of(result: AnyAnalysisResult): Analysis {
    const a = new Analysis();
    a.analysisId = result.analysisId;
    a.requester = result.requester;
    a.status = result.status;
    a.createdAt = new Date(result.createdAt);
    a.resultHash = result.resultHash;
    a.txId = result.txId;
    a.blockNumber = result.blockNumber;
    a.resultJson = JSON.stringify(result);
    return a;
  }

  toResult(): AnyAnalysisResult {
    return JSON.parse(this.resultJson) as AnyAnalysisResult;
  }

  toSummary(): AnalysisSummary {
    const r = this.toResult();
    return {
      analysisId: r.analysisId,
      status: r.status,
      requester: r.requester,
      datasets: r.request.datasets,
      // A model lists the columns it read and its kind, as the chain records them.
      columns: isModelResult(r) ? r.columns : r.request.columns,
      statistics: isModelResult(r) ? [r.kind] : r.request.statistics,
      createdAt: r.createdAt,
      resultHash: r.resultHash,
      txId: r.txId,
      blockNumber: r.blockNumber,
    };
  }
}
