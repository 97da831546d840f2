// Bench-only contract: an echo query with a realistic small payload and one validated field set.
import { IsInt, IsString, Length, Min } from 'class-validator';
import { defineQuery } from '@phdmf/contracts';

export class EchoPayload {
  @IsString()
  @Length(1, 64)
  id!: string;

  @IsInt()
  @Min(0)
  n!: number;
}

export const BenchEcho = defineQuery<EchoPayload, EchoPayload>('phdmf.accounts.qry.bench-echo.v1', EchoPayload);
export const RAW_SUBJECT = 'bench.raw.echo';
