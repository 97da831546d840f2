import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsString, MaxLength } from 'class-validator';
import { OptionalField } from '@phdmf/contracts';

export class EventsQueryDto {
  @ApiPropertyOptional({ description: 'Resume after this event id, for clients that cannot send the Last-Event-ID header (the header wins when both are sent)', pattern: '^(0|[1-9][0-9]{0,15})$' })
  @OptionalField()
  @IsString()
  @MaxLength(64)
  lastEventId?: string;
}
