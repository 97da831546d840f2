import { ApiProperty } from '@nestjs/swagger';
import { IsIn } from 'class-validator';
import { OptionalField, PageQuery } from '@phdmf/contracts';

/** `GET /datasets`'s query: the edge's `limit` and `cursor` (one rule, `PageQuery`), and whether deleted datasets are listed. */
export class DatasetListParams extends PageQuery {
  @ApiProperty({ enum: ['true', 'false'], required: false, description: 'List deleted datasets too (default false)' })
  @OptionalField()
  @IsIn(['true', 'false'])
  includeDeleted?: 'true' | 'false';
}
